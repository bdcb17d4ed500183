// Parks: coloured by type, sized by level. Zoomed out to the province one sees a count per
// city, not sixty pins on top of each other; from city zoom on, nearby parks are grouped
// by leaflet.markercluster; from county zoom on every park is drawn on its own with a name.
import L from '../leaflet.js';
import 'leaflet.markercluster';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import { codeList, t } from '../i18n.js';
import * as state from '../state.js';
import { parks, regions } from '../data.js';
import { coordsToMap, onDatumChange, toMap } from '../map.js';
import { registerLayer } from './registry.js';
import { html, markup } from '../html.js';
import { parkLabel } from '../views/map-labels.js';
import { localName, parkName } from '../names.js';

export const CITY_COUNT_MAX_ZOOM = 7;
const SINGLE_PARKS_ZOOM = 11;

let map;
let visible = false;
let cityLabels = null; // adcode -> [lon, lat]
let cityGroup = null;
let clusterGroup = null;
const markers = new Map(); // park id -> marker
let firstDrawn = false;

// A part of a zone (园中园, a new area's part, a chemical park in a zone) is drawn in its parent's
// colour, smaller, and is not counted as a zone of its own (issue 16).
let parentType = new Map(); // park id -> type, for the parts drawn in their parent's colour

function parkIcon(p, selected) {
  const approx = `${p.location_precision !== 'exact' ? ' is-approx' : ''}${p.published === false ? ' is-draft' : ''}`;
  const part = p.parent_id !== null && p.parent_id !== undefined;
  const type = (part && parentType.get(p.parent_id)) || p.type;
  return L.divIcon({
    className: 'park-icon',
    html: markup(html`<span class="park-dot t-${type} l-${p.level}${part ? ' is-part' : ''}${approx}${selected ? ' is-selected' : ''}"
      data-park-id="${p.id}"></span>`),
    iconSize: [24, 24],
    iconAnchor: [12, 12],
  });
}

function clusterIcon(cluster) {
  const n = cluster.getChildCount();
  const size = n < 5 ? 34 : n < 15 ? 40 : 46;
  return L.divIcon({
    className: 'count-icon',
    html: markup(html`<span class="count-bubble"><b>${n}</b></span>`),
    iconSize: [size, size],
  });
}

function cityIcon(n) {
  const size = Math.round(26 + Math.min(20, Math.sqrt(n) * 4));
  return L.divIcon({
    className: 'count-icon',
    html: markup(html`<span class="count-bubble city" data-city-count="${n}"><b>${n}</b></span>`),
    iconSize: [size, size],
  });
}

function selectedId() {
  const open = state.get().open;
  return open?.kind === 'park' ? open.id : null;
}

function openPark(id) {
  state.set({ open: { kind: 'park', id } }, { history: 'push' });
}

function buildMarkers(features) {
  parentType = new Map(features.map((f) => [f.id, f.properties.type]));
  markers.clear();
  clusterGroup.clearLayers();
  const chosen = selectedId();
  const list = features.map((f) => {
    const p = { id: f.id, ...f.properties };
    const marker = L.marker(coordsToMap(f.geometry.coordinates), {
      icon: parkIcon(p, p.id === chosen),
      title: parkName(p),
      keyboard: true,
      riseOnHover: true,
      zIndexOffset: p.level === 'national' ? 200 : 0,
    });
    marker.bindTooltip(markup(parkLabel(p)), {
      direction: 'right', offset: [10, 0], className: 'park-label',
      permanent: map.getZoom() >= SINGLE_PARKS_ZOOM,
    });
    marker.on('click', () => openPark(p.id));
    marker.park = p;
    markers.set(p.id, marker);
    return marker;
  });
  clusterGroup.addLayers(list);
}

function buildCityCounts(features) {
  cityGroup.clearLayers();
  if (!cityLabels) return;
  const counts = new Map();
  // A part counts only when its zone is not shown itself (a filter may keep the part alone).
  const shown = new Set(features.map((f) => f.id));
  features.filter((f) => !shown.has(f.properties.parent_id))
    .forEach((f) => counts.set(f.properties.city_adcode, (counts.get(f.properties.city_adcode) || 0) + 1));
  counts.forEach((n, adcode) => {
    const city = cityLabels.get(adcode);
    if (!city) return;
    const marker = L.marker(coordsToMap(city.label), { icon: cityIcon(n), keyboard: false, title: `${localName(city.name, city.name_en)} ${n}` });
    marker.on('click', () => map.fitBounds(city.bounds.map(([lat, lng]) => toMap(lat, lng)), { maxZoom: 10 }));
    cityGroup.addLayer(marker);
  });
}

function draw() {
  if (!map) return;
  const { features, status } = parks.get();
  if (status !== 'ready') return;
  const byCity = map.getZoom() <= CITY_COUNT_MAX_ZOOM;
  if (visible && byCity) {
    clusterGroup.remove();
    cityGroup.addTo(map);
  } else if (visible) {
    cityGroup.remove();
    clusterGroup.addTo(map);
  } else {
    cityGroup.remove();
    clusterGroup.remove();
  }
  buildMarkers(features);
  buildCityCounts(features);
  if (!firstDrawn && visible && (!byCity || cityLabels)) {
    firstDrawn = true;
    performance.mark('parks-drawn'); // read by bench/frontend_load.py
    document.body.dataset.parksDrawn = '1';
  }
}

/** Mark the open park on the map (and zoom there when asked). */
export function highlightPark(id) {
  markers.forEach((marker, pid) => {
    const selected = pid === id;
    const el = marker.getElement();
    if (el) el.querySelector('.park-dot')?.classList.toggle('is-selected', selected);
    else marker.setIcon(parkIcon(marker.park, selected));
  });
}

export function parkMarker(id) {
  return markers.get(id);
}

function legend() {
  const types = codeList('park_type').map((c) => html`<li><span class="park-dot t-${c.code} l-provincial"></span>
    ${t(`type.${c.code}`)}</li>`);
  return html`<ul class="legend-list">${types}</ul>
    <ul class="legend-list legend-inline">
      <li><span class="park-dot t-other l-national"></span>${t('legend.national')}</li>
      <li><span class="park-dot t-other l-provincial"></span>${t('legend.provincial')}</li>
      <li><span class="park-dot t-other l-municipal"></span>${t('legend.municipal')}</li>
    </ul>
    <p class="legend-note"><span class="count-bubble mini"><b>5</b></span>${t('legend.cityCount')}</p>`;
}

export function initParks(theMap) {
  map = theMap;
  cityGroup = L.layerGroup();
  clusterGroup = L.markerClusterGroup({
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    disableClusteringAtZoom: SINGLE_PARKS_ZOOM,
    maxClusterRadius: 50,
    iconCreateFunction: clusterIcon,
  });
  regions('city').then((fc) => {
    cityLabels = new Map(fc.features.map((f) => {
      const b = L.geoJSON(f).getBounds();
      return [f.id, { name: f.properties.name, name_en: f.properties.name_en, label: f.properties.label.coordinates,
        bounds: [[b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]] }];
    }));
    draw();
  }).catch(() => { /* the regions layer reports the failure; parks still draw from city zoom on */ });
  parks.listen(draw);
  state.subscribe((s, changed) => { if (changed.has('lang')) draw(); }); // names and tooltips in the new language
  let lastByCity = null;
  let lastLabels = null;
  map.on('zoomend', () => {
    const byCity = map.getZoom() <= CITY_COUNT_MAX_ZOOM;
    const labels = map.getZoom() >= SINGLE_PARKS_ZOOM;
    if (byCity !== lastByCity || labels !== lastLabels) draw();
    lastByCity = byCity;
    lastLabels = labels;
  });
  onDatumChange(draw);
  registerLayer({
    id: 'parks', group: 'parks', titleKey: 'layer.parks', legend,
    setVisible(on) {
      if (on === visible) return;
      visible = on;
      draw();
    },
  });
}
