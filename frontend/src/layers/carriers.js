// Available carriers from park zoom on: land plots as polygons, factories and offices as
// points, coloured by status. Drawn on canvas: a view may hold a thousand plots.
//
// The features come from data.js (bbox-limited GeoJSON). To draw vector tiles instead,
// replace draw() with a tile layer; selection and the legend stay as they are.
import L from '../leaflet.js';
import { codeLabel, codeList, t } from '../i18n.js';
import * as state from '../state.js';
import { CARRIER_MIN_ZOOM, carriers } from '../data.js';
import { coordsToMap, onDatumChange } from '../map.js';
import { registerLayer } from './registry.js';

const STATUS_COLOUR = { available: '#2b8a3e', reserved: '#e67700', taken: '#868e96' };

let map;
let visible = false;
let layer = null;
let chip = null; // what the layer cannot show yet: "zoom in", "loading", "only the first N"

const renderer = L.canvas({ pane: 'carriers', padding: 0.3 });

function selectedId() {
  const open = state.get().open;
  return open?.kind === 'carrier' ? open.id : null;
}

function style(feature) {
  const colour = STATUS_COLOUR[feature.properties.status] || '#868e96';
  const selected = feature.id === selectedId();
  return {
    color: selected ? '#0b3d91' : colour,
    weight: selected ? 3 : 1.2,
    fillColor: colour,
    fillOpacity: selected ? 0.55 : 0.3,
    dashArray: feature.properties.published === false ? '4 3' : null, // unpublished: staff only
    renderer,
    pane: 'carriers',
  };
}

function updateChip() {
  const { status, truncated, features } = carriers.get();
  let text = '';
  if (visible && status === 'zoom') text = t('map.carrierZoom');
  else if (visible && status === 'loading') text = t('map.loadingCarriers');
  else if (visible && status === 'ready' && truncated) text = t('map.carriersTruncated', { shown: features.length });
  chip.textContent = text;
  chip.hidden = !text;
}

function draw() {
  updateChip();
  layer?.remove();
  layer = null;
  const { features, status } = carriers.get();
  if (!visible || status !== 'ready' || !features.length) return;
  layer = L.geoJSON({ type: 'FeatureCollection', features }, {
    coordsToLatLng: coordsToMap,
    style,
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { ...style(f), radius: 6, fillOpacity: 0.85, color: '#fff' }),
    onEachFeature: (f, l) => {
      const area = f.properties.area_mu;
      l.bindTooltip(`${f.properties.name}<br>${codeLabel('carrier_kind', f.properties.kind)} · ${area} 亩 ·
        ${codeLabel('carrier_status', f.properties.status)}`, { sticky: true });
      l.on('click', () => state.set({ open: { kind: 'carrier', id: f.id } }, { history: 'push' }));
    },
  }).addTo(map);
}

export function restyleCarriers() {
  layer?.eachLayer((l) => {
    const s = style(l.feature);
    if (l.feature.geometry.type === 'Point') l.setStyle({ ...s, fillOpacity: 0.85, color: s.weight > 2 ? s.color : '#fff' });
    else l.setStyle(s);
  });
}

function legend() {
  const rows = codeList('carrier_status').map((c) => `<li><span class="legend-swatch"
    style="--c:${STATUS_COLOUR[c.code]}"></span>${codeLabel('carrier_status', c.code)}</li>`).join('');
  return `<ul class="legend-list legend-inline">${rows}</ul>
    <ul class="legend-list legend-inline"><li><span class="legend-swatch plot"></span>${codeLabel('carrier_kind', 'land')}</li>
    <li><span class="legend-dot"></span>${codeLabel('carrier_kind', 'factory')} / ${codeLabel('carrier_kind', 'office')}</li></ul>`;
}

export function initCarriers(theMap) {
  map = theMap;
  chip = L.DomUtil.create('div', 'map-chip', map.getContainer());
  chip.hidden = true;
  chip.setAttribute('role', 'status');
  state.subscribe((s, changed) => { if (changed.has('lang')) updateChip(); });
  carriers.listen(draw);
  onDatumChange(draw);
  registerLayer({
    id: 'carriers', group: 'carriers', titleKey: 'layer.carriers', legend, minZoom: CARRIER_MIN_ZOOM,
    setVisible(on) {
      visible = on;
      draw();
    },
  });
}
