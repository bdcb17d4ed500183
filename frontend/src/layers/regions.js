// Cities and counties: the offline basemap (Jiangxi's land on a neutral background, drawn
// from the service's own boundaries, so the page works with the network cut) and the
// "borders and names" overlay. Both use the same generalised outlines, fetched once.
import L from '../leaflet.js';
import { t } from '../i18n.js';
import { regions } from '../data.js';
import { coordsToMap, onBasemapChange, onDatumChange } from '../map.js';
import { registerLayer } from './registry.js';
import { CITY_COUNT_MAX_ZOOM } from './parks.js';
import { html, markup } from '../html.js';
import { regionLabel } from '../views/map-labels.js';
import { localName } from '../names.js';
import * as state from '../state.js';

const COUNTY_BORDER_ZOOM = 8;
const COUNTY_NAME_ZOOM = 9;
const CITY_NAME_MAX_ZOOM = 11;

let map;
let visible = false;
let offline = false;
const data = {}; // level -> FeatureCollection, each drawn as soon as it arrives
const land = L.layerGroup();
const overlay = L.layerGroup();

const renderers = {};

function outline(fc, pane, style) {
  // Canvas, not SVG: thousands of border vertices redraw faster on pan and zoom.
  renderers[pane] ??= L.canvas({ pane });
  return L.geoJSON(fc ?? [], { pane, style, interactive: false, renderer: renderers[pane], coordsToLatLng: coordsToMap });
}

function labels(fc, cls) {
  return L.layerGroup((fc?.features ?? []).map((f) => L.marker(coordsToMap(f.properties.label.coordinates), {
    pane: 'labels',
    interactive: false,
    keyboard: false,
    icon: L.divIcon({ className: `region-label ${cls}`, html: markup(regionLabel(localName(f.properties.name, f.properties.name_en))), iconSize: null }),
  })));
}

function draw() {
  if (!map) return;
  land.clearLayers();
  overlay.clearLayers();
  const zoom = map.getZoom();
  if (offline) {
    // The land itself, faint county lines for texture, then the city lines.
    land.addLayer(outline(data.province, 'basemapLand', { color: '#b9b2a1', weight: 6, opacity: 0.35,
      fillColor: '#fbf9f3', fillOpacity: 1 }));
    land.addLayer(outline(data.county, 'basemapLand', { color: '#d8d2c4', weight: 0.8, fill: false }));
  }
  if (visible) {
    if (zoom >= COUNTY_BORDER_ZOOM) {
      overlay.addLayer(outline(data.county, 'regions', { color: '#8a8f98', weight: 1, dashArray: '4 3', fill: false }));
    }
    overlay.addLayer(outline(data.city, 'regions', { color: '#5b6472', weight: 2, fill: false }));
    overlay.addLayer(outline(data.province, 'regions', { color: '#3d4450', weight: 2.5, fill: false }));
    if (zoom <= CITY_NAME_MAX_ZOOM) overlay.addLayer(labels(data.city, zoom <= CITY_COUNT_MAX_ZOOM ? 'city below' : 'city'));
    if (zoom >= COUNTY_NAME_ZOOM) overlay.addLayer(labels(data.county, 'county'));
  }
}

function legend() {
  return html`<ul class="legend-list legend-inline">
    <li><span class="legend-line city"></span>${t('legend.city')}</li>
    <li><span class="legend-line county"></span>${t('legend.county')}</li></ul>`;
}

export function initRegions(theMap) {
  map = theMap;
  land.addTo(map);
  overlay.addTo(map);
  ['province', 'city', 'county'].forEach((level) => regions(level).then((fc) => {
    data[level] = fc;
    draw();
  }).catch((err) => map.fire('investmap:notice', { message: t('list.error', { msg: err.message }) })));
  let lastZoom = null;
  map.on('zoomend', () => {
    const z = map.getZoom();
    const bands = (v) => [v >= COUNTY_BORDER_ZOOM, v >= COUNTY_NAME_ZOOM, v <= CITY_NAME_MAX_ZOOM,
      v <= CITY_COUNT_MAX_ZOOM].join();
    if (lastZoom === null || bands(z) !== bands(lastZoom)) draw();
    lastZoom = z;
  });
  onDatumChange(draw);
  state.subscribe((s, changed) => { if (changed.has('lang')) draw(); }); // the names in the new language
  onBasemapChange((basemap) => {
    offline = basemap.id === 'offline';
    draw();
  });
  registerLayer({
    id: 'regions', group: 'admin', titleKey: 'layer.regions', legend,
    setVisible(on) {
      if (on === visible) return;
      visible = on;
      draw();
    },
  });
}
