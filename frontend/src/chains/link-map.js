// The local enterprises of the link chosen in the chain view, on the map: one square each
// (bigger for a 链主), named on hover; the map fits them when they arrive.
import L from '../leaflet.js';
import { html, markup } from '../html.js';
import { enterpriseTip } from '../views/map-labels.js';
import { onDatumChange, toMap } from '../map.js';
import { isPhone } from '../panel.js';

let map;
let shown = [];
const group = L.featureGroup();
const markers = new Map(); // enterprise id -> marker

function draw() {
  group.clearLayers();
  markers.clear();
  shown.forEach((f) => {
    const [lng, lat] = f.geometry.coordinates;
    const leader = f.properties.tags.includes('chain_leader');
    const marker = L.marker(toMap(lat, lng), {
      icon: L.divIcon({ className: 'enterprise-icon', iconSize: [14, 14],
        html: markup(html`<span class="enterprise-dot${leader ? ' is-leader' : ''}" data-enterprise-id="${f.id}"></span>`) }),
      zIndexOffset: 500,
    }).bindTooltip(markup(enterpriseTip(f.properties)), { direction: 'top', offset: [0, -6] });
    markers.set(f.id, marker);
    group.addLayer(marker);
  });
}

/** fitBounds padding that keeps what is fitted clear of the open layer control, the phone's
 * top bar and the workbench sheet, which on a phone lies over the map. */
export function fitPadding() {
  const control = document.querySelector('.layer-control.is-open');
  const sheet = document.querySelector('.workbench:not([hidden])');
  const bottom = isPhone() && sheet ? sheet.offsetHeight + 16 : 24;
  return { paddingTopLeft: [24, isPhone() ? 70 : 24], paddingBottomRight: [(control?.offsetWidth ?? 0) + 24, bottom] };
}

export function showEnterprises(features) {
  shown = features;
  draw();
  if (shown.length) map.fitBounds(group.getBounds(), { ...fitPadding(), maxZoom: 12 });
}

export function clearEnterprises() {
  shown = [];
  draw();
}

export function focusEnterprise(id) {
  const marker = markers.get(id);
  if (!marker) return;
  map.setView(marker.getLatLng(), Math.max(map.getZoom(), 12));
  marker.openTooltip();
}

export function initLinkMap(theMap) {
  map = theMap;
  group.addTo(map);
  onDatumChange(draw);
}
