// Chain gaps (产业链短板), for staff: where a chain has links with no local enterprise (缺) or
// too few or too small ones (弱), drawn over the area they should be filled in (a cluster's
// parks, a park, or a region). One shape per area, the darker red the more links are missing
// there, amber when links are only weak; a point grows with the number of gaps. The tooltip
// lists them.
import L from '../leaflet.js';
import { getJSON } from '../api.js';
import { t } from '../i18n.js';
import { html, markup } from '../html.js';
import { gapTip } from '../views/map-labels.js';
import { coordsToMap, onDatumChange } from '../map.js';
import { isStaff, onAuthChange } from '../auth.js';
import { registerLayer } from './registry.js';

// Severity of an area: by its number of missing links (min), amber with none missing.
const SEVERITY = [
  { min: 7, key: 'missing7', colour: '#7a1010' },
  { min: 4, key: 'missing4', colour: '#c92a2a' },
  { min: 1, key: 'missing1', colour: '#ff6b6b' },
  { min: 0, key: 'weak', colour: '#f08c00' },
];

let map;
let visible = false;
let areas = null; // [{name, geometry, gaps: [properties]}]
const group = L.layerGroup();

function byArea(features) {
  const found = new Map();
  features.forEach((f) => {
    const p = f.properties;
    const key = `${p.area_kind}:${p.region_adcode ?? p.park_id ?? p.cluster_id}`;
    if (!found.has(key)) found.set(key, { name: p.area_name, geometry: f.geometry, gaps: [] });
    found.get(key).gaps.push(p);
  });
  return [...found.values()];
}

function draw() {
  group.clearLayers();
  if (!visible || !areas) return;
  areas.forEach((area) => {
    const missing = area.gaps.filter((g) => g.gap_class === 'missing').length;
    const severity = SEVERITY.find((s) => missing >= s.min);
    const style = { color: severity.colour, fillColor: severity.colour, weight: 2, fillOpacity: 0.35,
      className: `gap-area gap-${severity.key}` };
    group.addLayer(L.geoJSON(area.geometry, {
      pane: 'choropleth',
      coordsToLatLng: coordsToMap,
      style,
      pointToLayer: (_, at) => L.circleMarker(at, { ...style, pane: 'flows', radius: 7 + Math.sqrt(area.gaps.length) * 2.5 }),
    }).bindTooltip(markup(gapTip(area, missing)), { sticky: true }));
  });
}

function legend() {
  return html`<ul class="legend-list">${SEVERITY.map((s) =>
    html`<li><span class="legend-swatch severity-${s.key}"></span>${t(`gapLayer.${s.key}`)}</li>`)}</ul>
    <p class="legend-note">${t('gapLayer.note')}</p>`;
}

export function initGaps(theMap) {
  map = theMap;
  group.addTo(map);
  onDatumChange(draw);
  // Someone else signed in or out: what was loaded was theirs to see.
  onAuthChange(() => { areas = null; });
  registerLayer({
    id: 'gaps', group: 'industry', titleKey: 'layer.gaps', legend, available: isStaff,
    setVisible(on) {
      visible = on;
      if (on && !areas) {
        getJSON('/api/v1/gaps?f=geojson&limit=10000').then((fc) => {
          areas = byArea(fc.features);
          draw();
        }).catch((err) => map.fire('investmap:notice', { message: t('list.error', { msg: err.message }) }));
      }
      draw();
    },
  });
}
