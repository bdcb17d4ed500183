// Cooperation parks (合作园区): a curved line from the park to its partner city or region,
// coloured by the partner region, with the partner marked and named at the far end.
import L from '../leaflet.js';
import { codeList, t } from '../i18n.js';
import * as state from '../state.js';
import { parks } from '../data.js';
import { onDatumChange, toMap } from '../map.js';
import { registerLayer } from './registry.js';
import { html, markup } from '../html.js';
import { cooperationTip, parkLabelText, partnerLabel } from '../views/map-labels.js';

const CURVE_STEPS = 32;
const BEND = 0.18; // how far the arc bows out, as a share of its length

let visible = false;
const group = L.layerGroup();

/** Points of a quadratic Bézier arc from a to b (WGS-84 [lat, lng]), bowing to the left. */
function arc(a, b) {
  const [dy, dx] = [b[0] - a[0], b[1] - a[1]];
  const control = [(a[0] + b[0]) / 2 + dx * BEND, (a[1] + b[1]) / 2 - dy * BEND];
  return Array.from({ length: CURVE_STEPS + 1 }, (_, i) => {
    const s = i / CURVE_STEPS;
    const u = 1 - s;
    return toMap(u * u * a[0] + 2 * u * s * control[0] + s * s * b[0], u * u * a[1] + 2 * u * s * control[1] + s * s * b[1]);
  });
}

function draw() {
  group.clearLayers();
  const { features, status } = parks.get();
  if (!visible || status !== 'ready') return;
  const partners = new Map();
  features.filter((f) => f.properties.cooperation).forEach((f) => {
    const c = f.properties.cooperation;
    const [plng, plat] = c.partner_location.coordinates;
    const [lng, lat] = f.geometry.coordinates;
    const line = L.polyline(arc([lat, lng], [plat, plng]), {
      pane: 'flows', className: `flow flow-${c.partner_region}`, weight: 2.5, dashArray: '6 5',
    });
    line.bindTooltip(markup(cooperationTip(parkLabelText({ id: f.id, ...f.properties }), c)), { sticky: true });
    line.on('click', () => state.set({ open: { kind: 'park', id: f.id } }, { history: 'push' }));
    group.addLayer(line);
    partners.set(`${plng},${plat}`, { name: c.partner_name, region: c.partner_region, at: toMap(plat, plng) });
  });
  partners.forEach((p) => {
    group.addLayer(L.marker(p.at, {
      pane: 'flows',
      keyboard: false,
      icon: L.divIcon({ className: 'partner-icon', iconSize: null, html: markup(partnerLabel(p)) }),
    }));
  });
}

function legend() {
  const rows = codeList('partner_region').filter((c) => c.code !== 'other')
    .map((c) => html`<li><span class="legend-line flow flow-${c.code}"></span>${t(`partner.${c.code}`)}</li>`);
  return html`<ul class="legend-list">${rows}</ul>`;
}

export function initCooperation(map) {
  group.addTo(map);
  parks.listen(draw);
  state.subscribe((s, changed) => { if (changed.has('lang')) draw(); }); // tooltips in the new language
  onDatumChange(draw);
  registerLayer({
    id: 'cooperation', group: 'parks', titleKey: 'layer.cooperation', legend,
    setVisible(on) {
      visible = on;
      draw();
    },
  });
}
