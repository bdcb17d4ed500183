// Targets (招商目标), for staff: each external enterprise at its headquarters, anywhere in China,
// coloured by stage, with a line to the park it is meant to settle in. Turning the layer on
// lets the map leave Jiangxi and fits all targets; turning it off gives the province back.
import L from '../leaflet.js';
import { getJSON } from '../api.js';
import { codeLabel, codeList, t } from '../i18n.js';
import { html, markup } from '../html.js';
import { targetTip } from '../views/map-labels.js';
import { onDatumChange, toMap } from '../map.js';
import { isStaff, onAuthChange } from '../auth.js';
import { fitPadding } from '../chains/link-map.js';
import { registerLayer } from './registry.js';

const CHINA_BOUNDS = [[10, 65], [56, 140]];
const CHINA_MIN_ZOOM = 3;

let map;
let visible = false;
let started = false; // the first setVisible is the page's start: it keeps the view it was given
let features = null;
let province = null; // the map's own limits, given back when the layer goes off
const group = L.layerGroup();

function draw() {
  group.clearLayers();
  if (!visible || !features) return;
  features.forEach((f) => {
    const p = f.properties;
    const [lng, lat] = f.geometry.coordinates;
    const hq = toMap(lat, lng);
    if (p.intended_park_location) {
      const [plng, plat] = p.intended_park_location.coordinates;
      group.addLayer(L.polyline([hq, toMap(plat, plng)], {
        pane: 'flows', className: `target-line stage-${p.stage}`, weight: 1.5, dashArray: '4 4', interactive: false,
      }));
    }
    group.addLayer(L.marker(hq, {
      icon: L.divIcon({ className: 'target-icon', iconSize: [14, 14],
        html: markup(html`<span class="target-dot stage-${p.stage}" data-target-id="${f.id}"></span>`) }),
    }).bindTooltip(markup(targetTip(p))));
  });
}

function fitAll() {
  const points = features.flatMap((f) => [f.geometry.coordinates, f.properties.intended_park_location?.coordinates]
    .filter(Boolean).map(([lng, lat]) => toMap(lat, lng)));
  if (points.length) map.fitBounds(L.latLngBounds(points), fitPadding());
}

function setChinaWide(on) {
  if (on) {
    province ??= { minZoom: map.getMinZoom(), maxBounds: map.options.maxBounds };
    map.setMinZoom(CHINA_MIN_ZOOM);
    map.setMaxBounds(CHINA_BOUNDS);
  } else if (province) {
    map.setMaxBounds(province.maxBounds);
    map.setMinZoom(province.minZoom);
  }
}

function legend() {
  return html`<ul class="legend-list">${codeList('target_stage').map((s) =>
    html`<li><span class="target-dot stage-${s.code}"></span>${codeLabel('target_stage', s.code)}</li>`)}</ul>
    <p class="legend-note">${t('targetLayer.note')}</p>`;
}

export function initTargets(theMap) {
  map = theMap;
  group.addTo(map);
  onDatumChange(draw);
  // Someone else signed in or out: what was loaded was theirs to see.
  onAuthChange(() => { features = null; });
  registerLayer({
    id: 'targets', group: 'industry', titleKey: 'layer.targets', legend, available: isStaff,
    setVisible(on) {
      const turnedOn = on && !visible && started;
      started = true;
      visible = on;
      setChinaWide(on);
      if (on && !features) {
        getJSON('/api/v1/targets?f=geojson&limit=10000').then((fc) => {
          features = fc.features;
          draw();
          if (turnedOn) fitAll();
        }).catch((err) => map.fire('investmap:notice', { message: t('list.error', { msg: err.message }) }));
      } else if (turnedOn) fitAll();
      draw();
    },
  });
}
