// Industrial clusters (产业集群) as a choropleth of their cities: a city is shaded by how
// many clusters cover it; with the cluster filter set, only that cluster's cities are.
import L from '../leaflet.js';
import { t } from '../i18n.js';
import * as state from '../state.js';
import { clusters, regions } from '../data.js';
import { coordsToMap, onDatumChange } from '../map.js';
import { registerLayer } from './registry.js';
import { html, markup } from '../html.js';
import { clusterTip } from '../views/map-labels.js';
import { localName } from '../names.js';

const CLASSES = [
  { min: 1, colour: '#fde0c5' },
  { min: 2, colour: '#f9a66c' },
  { min: 3, colour: '#e8590c' },
];

let map;
let visible = false;
let data = null; // {cities, clusters}
const group = L.layerGroup();

function colour(n) {
  return [...CLASSES].reverse().find((c) => n >= c.min)?.colour;
}

function draw() {
  group.clearLayers();
  if (!visible || !data) return;
  const only = state.get().filters.cluster;
  const chosen = data.clusters.filter((c) => !only || String(c.id) === only);
  const byCity = new Map();
  chosen.forEach((c) => c.city_adcodes.forEach((a) => byCity.set(a, [...(byCity.get(a) || []), c])));
  group.addLayer(L.geoJSON(data.cities, {
    pane: 'choropleth',
    coordsToLatLng: coordsToMap,
    filter: (f) => byCity.has(f.id),
    style: (f) => ({ fillColor: colour(byCity.get(f.id).length), fillOpacity: 0.55, color: '#c2410c', weight: 1 }),
    onEachFeature: (f, l) => l.bindTooltip(markup(clusterTip(localName(f.properties.name, f.properties.name_en), byCity.get(f.id))), { sticky: true }),
  }));
}

function legend() {
  const rows = CLASSES.map((c, i) => html`<li><span class="legend-swatch cluster-count-${i + 1}"></span>
    ${c.min}${i === CLASSES.length - 1 ? '+' : ''}</li>`);
  return html`<p class="legend-note">${t('legend.clusterCount')}</p><ul class="legend-list legend-inline">${rows}</ul>`;
}

export function initClusters(theMap) {
  map = theMap;
  group.addTo(map);
  onDatumChange(draw);
  state.subscribe((s, changed) => { if (changed.has('filters') || changed.has('lang')) draw(); });
  registerLayer({
    id: 'clusters', group: 'industry', titleKey: 'layer.clusters', legend,
    setVisible(on) {
      visible = on;
      if (on && !data) {
        Promise.all([regions('city'), clusters()]).then(([cities, list]) => {
          data = { cities, clusters: list };
          draw();
        }).catch((err) => map.fire('investmap:notice', { message: t('list.error', { msg: err.message }) }));
      }
      draw();
    },
  });
}
