// The Leaflet map: panes, controls, basemaps and the datum of what is drawn.
//
// Data are WGS-84. On a GCJ-02 basemap (Amap) every overlay must be drawn shifted, so
// layers never build a LatLng themselves: they call toMap() for positions they draw and
// fromMap() for positions they read back (view, bounds). Switching between basemaps of
// different datums keeps the same place in the centre and asks every layer to redraw.
import L from './leaflet.js';
import { gcj02ToWgs84, wgs84ToGcj02 } from './coords.js';
import { t } from './i18n.js';

export const JIANGXI_BOUNDS = [[24.49, 113.57], [30.08, 118.48]];
const TILE_ERRORS_BEFORE_NOTICE = 4;

let map;
let datum = 'wgs84';
let basemaps = {};
let tileLayers = [];
let tileErrors = 0;
const datumListeners = new Set();
const basemapListeners = new Set();

export function createMap(element, config) {
  basemaps = Object.fromEntries(config.basemaps.map((b) => [b.id, b]));
  map = L.map(element, {
    zoomControl: false,
    // Half steps let Jiangxi fill a phone screen; the buttons and the wheel still move whole steps.
    zoomSnap: 0.5,
    wheelPxPerZoomLevel: 120,
    minZoom: 5,
    maxZoom: 18,
    maxBounds: [[15, 100], [40, 130]],
    maxBoundsViscosity: 0.6,
  });
  // Panes decide what is drawn over what: the land under the borders, the borders under
  // the sites, the sites under the parks, and labels over everything but never clickable.
  [['basemapLand', 200], ['regions', 350], ['choropleth', 360], ['carriers', 420], ['flows', 430],
    ['labels', 640]].forEach(([name, z]) => {
    const pane = map.createPane(name);
    pane.style.zIndex = z;
  });
  map.getPane('labels').style.pointerEvents = 'none';
  L.control.zoom({ position: 'bottomright', zoomInTitle: '+', zoomOutTitle: '−' }).addTo(map);
  L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
  map.attributionControl.setPrefix(false);
  return map;
}

export function getMap() {
  return map;
}

export function getDatum() {
  return datum;
}

/** Where a WGS-84 position is drawn on the current basemap. */
export function toMap(lat, lng) {
  if (datum !== 'gcj02') return L.latLng(lat, lng);
  const [x, y] = wgs84ToGcj02(lng, lat);
  return L.latLng(y, x);
}

/** The WGS-84 position of a point of the map. */
export function fromMap(latlng) {
  if (datum !== 'gcj02') return { lat: latlng.lat, lng: latlng.lng };
  const [x, y] = gcj02ToWgs84(latlng.lng, latlng.lat);
  return { lat: y, lng: x };
}

/** GeoJSON [lon, lat] -> drawn LatLng, for L.geoJSON's coordsToLatLng. */
export function coordsToMap(coords) {
  return toMap(coords[1], coords[0]);
}

/** The view in WGS-84 as [west, south, east, north], padded a little: API bbox parameter. */
export function viewBbox(pad = 0.05) {
  const b = map.getBounds().pad(pad);
  const sw = fromMap(b.getSouthWest());
  const ne = fromMap(b.getNorthEast());
  const clamp = (v, lim) => Math.max(-lim, Math.min(lim, v));
  return [clamp(sw.lng, 180), clamp(sw.lat, 90), clamp(ne.lng, 180), clamp(ne.lat, 90)]
    .map((v) => v.toFixed(5)).join(',');
}

export function onDatumChange(fn) {
  datumListeners.add(fn);
}

export function onBasemapChange(fn) {
  basemapListeners.add(fn);
}

export function basemapList() {
  return Object.values(basemaps);
}

export function setBasemap(id) {
  const chosen = basemaps[id] || basemaps.offline;
  const centre = map.getCenter && map._loaded ? fromMap(map.getCenter()) : null;
  tileLayers.forEach((layer) => layer.remove());
  tileErrors = 0;
  tileLayers = chosen.layers.map((url) => L.tileLayer(url, {
    subdomains: chosen.subdomains || 'abc',
    maxZoom: chosen.max_zoom,
    attribution: chosen.attribution,
  }).on('tileerror', () => {
    tileErrors += 1;
    if (tileErrors === TILE_ERRORS_BEFORE_NOTICE) {
      map.fire('investmap:notice', { message: t('basemap.tileError') });
    }
  }).addTo(map));
  map.getContainer().classList.toggle('basemap-offline', chosen.id === 'offline');
  if (chosen.id === 'offline') map.attributionControl.addAttribution(chosen.attribution);
  else map.attributionControl.removeAttribution(basemaps.offline.attribution);
  const previous = datum;
  datum = chosen.datum;
  if (previous !== datum) {
    if (centre) map.setView(toMap(centre.lat, centre.lng), map.getZoom(), { animate: false });
    datumListeners.forEach((fn) => fn(datum));
  }
  basemapListeners.forEach((fn) => fn(chosen));
  return chosen.id;
}
