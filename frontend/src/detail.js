// The detail drawer of a park or a carrier: what is open, loading it, and what its buttons do
// (its markup is views/detail.js). For the keyboard: opened from the list or the map, focus moves
// to its title; Tab stays inside it; Escape closes it and focus goes back where it came from.
import L from './leaflet.js';
import { getJSON, isAbort, query } from './api.js';
import { t } from './i18n.js';
import * as state from './state.js';
import { setHtml } from './html.js';
import { filterParams, onStale } from './data.js';
import { coordsToMap, getMap, onDatumChange, toMap } from './map.js';
import { fitGeometry, flyToPark } from './navigate.js';
import { highlightPark } from './layers/parks.js';
import { restyleCarriers } from './layers/carriers.js';
import { onStaffAction } from './edit/staff.js';
import { carrierHtml, parkHtml, stateHtml } from './views/detail.js';

const CARRIERS_IN_DRAWER = 6;
// Radius of the "somewhere around here" circle drawn for a park whose point is approximate.
const APPROX_RADIUS_M = { town: 3000, county: 12000 };

let root;
let controller = null;
let current = null; // {kind, id, item, carriers}
let zoomNext = false; // the next item was chosen inside the drawer: bring it into view
const selection = L.layerGroup();
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), '
  + 'summary, [tabindex]:not([tabindex="-1"])';
let opener = null; // {element, kind, id}: where focus goes back to when the drawer closes
let focusTitle = false; // opened by the visitor (not by the page's address): its title takes focus
let lastFocus = null; // the last element focused outside the drawer

function focusables() {
  return [...root.querySelectorAll(FOCUSABLE)].filter((el) => el.getClientRects().length);
}

/** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
function trapTab(e) {
  if (e.key !== 'Tab') return;
  const items = focusables();
  if (!items.length) return;
  const first = items[0];
  const last = items[items.length - 1];
  const here = document.activeElement;
  if (e.shiftKey && (here === first || !items.includes(here))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && here === last) {
    e.preventDefault();
    first.focus();
  }
}

function focusHeading() {
  const heading = root.querySelector('.detail-head h2') ?? root.querySelector('[data-close]');
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus();
}

/** Closed: focus goes back to what opened the drawer (its list row, redrawn meanwhile, found by id). */
function restoreFocus() {
  if (!opener) return;
  const { element, kind, id } = opener;
  opener = null;
  const target = element.isConnected ? element : document.querySelector(`#results [data-${kind}-id="${id}"]`);
  target?.focus();
}

function drawSelection() {
  selection.clearLayers();
  if (!current?.item) return;
  const { kind, item } = current;
  if (kind === 'park' && item.location_precision !== 'exact') {
    const [lng, lat] = item.location.coordinates;
    selection.addLayer(L.circle(toMap(lat, lng), { radius: APPROX_RADIUS_M[item.location_precision] || 5000,
      pane: 'flows', className: 'approx-circle', interactive: false }));
  }
  if (kind === 'carrier') {
    selection.addLayer(L.geoJSON(item.geometry, { coordsToLatLng: coordsToMap, pane: 'flows', interactive: false,
      style: { className: 'selected-outline' },
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 11, className: 'selected-outline' }) }));
  }
}

function render() {
  const wasOpen = document.body.classList.contains('detail-open');
  document.body.classList.toggle('detail-open', Boolean(current));
  // The drawer changes the map's width on a desktop: keep the same centre.
  if (wasOpen !== Boolean(current)) getMap().invalidateSize();
  root.hidden = !current;
  if (!current) {
    root.replaceChildren();
    return;
  }
  root.dataset.kind = current.kind;
  root.dataset.id = current.id;
  // Redrawn (the park's carriers came, the language changed): focus inside stays on the same control.
  const inside = root.contains(document.activeElement);
  const at = inside ? focusables().indexOf(document.activeElement) : -1;
  if (current.error || !current.item) setHtml(root, stateHtml(current.error, current.status !== 404));
  else setHtml(root, current.kind === 'park' ? parkHtml(current.item, current.carriers) : carrierHtml(current.item));
  root.querySelector('.detail-body')?.scrollTo?.(0, 0);
  if (at >= 0 && focusables()[at]) focusables()[at].focus();
  else if (inside || (focusTitle && current.item)) focusHeading();
  if (current.item) focusTitle = false;
}

/** The park's carriers that match the page's carrier filters (the available ones when no status
 * is chosen) and, with a filter set, how many of the rest do not match (`others`). */
async function parkCarriers(id, signal) {
  const { filters } = state.get();
  const base = { park: id, status: filters.status || 'available' };
  const chosen = Object.fromEntries(Object.entries(filterParams(filters))
    .filter(([k]) => state.CARRIER_FILTER_KEYS.includes(k) || k === 'area_unit'));
  const page = await getJSON(`/api/v1/carriers?${query({ ...base, ...chosen, limit: CARRIERS_IN_DRAWER, count: 'true',
    sort: '-area_m2' })}`, { signal });
  if (!state.hasCarrierFilters(filters)) return page;
  const all = await getJSON(`/api/v1/carriers?${query({ ...base, limit: 1, count: 'true' })}`, { signal });
  return { ...page, others: all.count - page.count };
}

async function load(open, { zoom }) {
  controller?.abort();
  if (!open) {
    const hadFocus = root.contains(document.activeElement);
    current = null;
    render();
    if (hadFocus || document.activeElement === document.body) restoreFocus();
    opener = null;
    drawSelection();
    highlightPark(null);
    restyleCarriers();
    return;
  }
  controller = new AbortController();
  const { signal } = controller;
  current = { ...open, item: null, carriers: null };
  render();
  highlightPark(open.kind === 'park' ? open.id : null);
  restyleCarriers();
  try {
    const path = open.kind === 'park' ? `/api/v1/parks/${open.id}` : `/api/v1/carriers/${open.id}`;
    current.item = await getJSON(path, { signal });
    render();
    drawSelection();
    if (zoom) zoomTo();
    if (open.kind === 'park') {
      current.carriers = await parkCarriers(open.id, signal);
      render();
    }
  } catch (err) {
    if (isAbort(err)) return;
    current.error = err.status === 404 ? t('detail.notFound') : t('detail.error', { msg: err.message });
    current.status = err.status;
    render();
  }
}

function zoomTo() {
  const { kind, item } = current;
  if (kind === 'park') flyToPark(item.location.coordinates[1], item.location.coordinates[0]);
  else fitGeometry(item.geometry, 16);
}

export function initDetail(element, { zoomOnFirstOpen }) {
  root = element;
  root.addEventListener('keydown', trapTab);
  document.addEventListener('focusin', (e) => { if (!root.contains(e.target)) lastFocus = e.target; });
  selection.addTo(getMap());
  root.addEventListener('click', (e) => {
    if (e.target.closest('[data-close]')) state.set({ open: null }, { history: 'push' });
    else if (e.target.closest('[data-zoom-to]')) zoomTo();
    else if (e.target.closest('[data-retry]')) load(state.get().open, { zoom: false });
    else if (e.target.closest('[data-staff]') && current?.item) onStaffAction(root, e.target.closest('[data-staff]'), current);
    else if (e.target.closest('[data-open-carrier]')) {
      state.set({ open: { kind: 'carrier', id: Number(e.target.closest('[data-open-carrier]').dataset.openCarrier) } },
        { history: 'push' });
    } else if (e.target.closest('[data-open-park]')) {
      zoomNext = true;
      state.set({ open: { kind: 'park', id: Number(e.target.closest('[data-open-park]').dataset.openPark) } },
        { history: 'push' });
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && current && !document.querySelector('dialog[open]')) state.set({ open: null }, { history: 'push' });
  });
  state.subscribe((s, changed) => {
    if (changed.has('open')) {
      // The list redraws its rows on the same change, perhaps first: then the row that had focus
      // is gone (focus fell to the body), and the drawer's opener is that row.
      const active = document.activeElement;
      const from = active && active !== document.body ? active : lastFocus && !lastFocus.isConnected ? lastFocus : null;
      if (s.open && from && !root.contains(from)) {
        opener = { element: from, kind: s.open.kind, id: s.open.id };
      }
      focusTitle = Boolean(s.open);
      load(s.open, { zoom: zoomNext });
      zoomNext = false;
    }
    else if (changed.has('filters') && current?.kind === 'park') load(s.open, { zoom: false });
    else if (changed.has('lang')) render();
  });
  onDatumChange(drawSelection);
  // Saved, or signed in or out: the same record may now read differently (or not at all).
  onStale(() => { if (current) load(state.get().open, { zoom: false }); });
  load(state.get().open, { zoom: zoomOnFirstOpen });
}
