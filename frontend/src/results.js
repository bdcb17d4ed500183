// The result list beside the map. It renders exactly the features the map draws (data.js),
// so the two cannot disagree: parks under one tab, the carriers in view under the other.
import { t } from './i18n.js';
import * as state from './state.js';
import { CARRIER_MIN_ZOOM, carriers, parks } from './data.js';
import { num } from './format.js';
import { html, setHtml } from './html.js';
import { carrierItem, parkItem, stateBlock } from './views/results.js';
import { fitGeometry, flyToPark } from './navigate.js';
import { clearFilters } from './filters.js';
import { s as words } from './sites/strings.js';
import { parkName } from './names.js';

const SHOWN_AT_ONCE = 200;
const LEVEL_ORDER = { national: 0, provincial: 1, municipal: 2 };
const collator = new Intl.Collator('zh-CN');

const SORTS = {
  parks: {
    // By the name shown: in English mode the English or pinyin name.
    level: (a, b) => (LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]) || collator.compare(parkName(a), parkName(b)),
    name: (a, b) => collator.compare(parkName(a), parkName(b)),
    area: (a, b) => (b.approved_area_ha ?? -1) - (a.approved_area_ha ?? -1),
    carriers: (a, b) => b.matching_carriers - a.matching_carriers,
  },
  carriers: {
    carrierArea: (a, b) => b.area_m2 - a.area_m2,
    price: (a, b) => (a.price_wan_per_mu ?? Infinity) - (b.price_wan_per_mu ?? Infinity),
    name: (a, b) => collator.compare(a.name, b.name),
  },
};

let root;
let countEl;
let sortEl;
let tabs;
let limit = SHOWN_AT_ONCE;

function sortKey(tab) {
  const chosen = state.get().sort;
  return chosen in SORTS[tab] ? chosen : Object.keys(SORTS[tab])[0];
}

function renderList(tab, src) {
  const clear = html`<button type="button" class="btn" data-clear-filters>${t('filters.clear')}</button>`;
  const retry = html`<button type="button" class="btn" data-retry>${t('list.retry')}</button>`;
  if (src.status === 'loading' || src.status === 'idle') {
    return stateBlock('loading', src.slow ? t('list.slow') : t('list.loading'));
  }
  if (src.status === 'error') return stateBlock('error', t('list.error', { msg: src.error }), retry);
  if (src.status === 'off') {
    return stateBlock('off', t('list.carriersOff'), html`<button type="button" class="btn" data-layer-on>${t('list.turnOn')}</button>`);
  }
  if (!src.features.length) {
    return stateBlock('empty', `${t('list.empty')}。${t('list.emptyHint')}`, state.activeFilterCount() ? clear : '');
  }
  const open = state.get().open;
  const rows = src.features.map((f) => ({ id: f.id, ...f.properties })).sort(SORTS[tab][sortKey(tab)]);
  const item = tab === 'parks' ? parkItem : carrierItem;
  const items = rows.slice(0, limit).map((r) => item(r, open?.kind === tab.slice(0, -1) && open.id === r.id));
  const more = rows.length > limit ? html`<button type="button" class="btn more" data-more>+${rows.length - limit}</button>` : '';
  // Farther out than park zoom: the first carriers by the chosen sort, and a way to where they are.
  const top = tab === 'carriers' && src.top ? html`<p class="list-top" data-list-top>${src.truncated
    ? words('topCarriers', { n: num(rows.length, 0), sort: t(`sort.${sortKey(tab)}`) }) : words('zoomHint')}
    <button type="button" class="btn" data-zoom-in>${t('list.zoomIn')}</button></p>` : '';
  return html`${top}<ol class="result-list" data-tab="${tab}">${items}</ol>${more}`;
}

function render() {
  const s = state.get();
  const tab = s.tab;
  const src = tab === 'parks' ? parks.get() : carriers.get();
  tabs.forEach((b) => {
    const selected = b.dataset.tab === tab;
    b.classList.toggle('is-active', selected);
    b.setAttribute('aria-selected', String(selected));
    const data = b.dataset.tab === 'parks' ? parks.get() : carriers.get();
    b.querySelector('.tab-count').textContent = data.status === 'ready' ? num(data.total, 0) : '';
  });
  if (src.status === 'ready') {
    countEl.textContent = tab === 'parks' ? t('list.count.parks', { n: num(src.total, 0) })
      : src.truncated ? t('list.count.carriersMore', { n: num(src.total, 0), shown: num(src.features.length, 0) })
        : t('list.count.carriers', { n: num(src.total, 0) });
  } else countEl.textContent = '';
  setHtml(sortEl, html`${Object.keys(SORTS[tab]).map((k) => html`<option value="${k}" ${k === sortKey(tab) ? 'selected' : ''}>
    ${t(`sort.${k}`)}</option>`)}`);
  // Redrawn while a row has focus (the map moved, a drawer opened or closed): the same row keeps it.
  const row = root.contains(document.activeElement) ? document.activeElement.closest('.result') : null;
  setHtml(root, renderList(tab, src));
  if (row) {
    const [key, id] = row.dataset.parkId ? ['park', row.dataset.parkId] : ['carrier', row.dataset.carrierId];
    root.querySelector(`[data-${key}-id="${CSS.escape(id)}"]`)?.focus();
  }
}

/** Park zoom at the first carrier listed, so that the view it opens is never empty. */
function zoomToTop() {
  const first = root.querySelector('.result[data-carrier-id]');
  const f = first && carriers.get().features.find((x) => x.id === Number(first.dataset.carrierId));
  if (f) fitGeometry(f.geometry, CARRIER_MIN_ZOOM);
}

function openFromList(li) {
  if (li.dataset.parkId) {
    const id = Number(li.dataset.parkId);
    const f = parks.get().features.find((x) => x.id === id);
    if (f) flyToPark(f.geometry.coordinates[1], f.geometry.coordinates[0]);
    state.set({ open: { kind: 'park', id } }, { history: 'push' });
  } else if (li.dataset.carrierId) {
    const id = Number(li.dataset.carrierId);
    const f = carriers.get().features.find((x) => x.id === id);
    if (f) fitGeometry(f.geometry, 16);
    state.set({ open: { kind: 'carrier', id } }, { history: 'push' });
  }
}

export function initResults({ list, count, sort, tabButtons, onRetry }) {
  root = list;
  countEl = count;
  sortEl = sort;
  tabs = tabButtons;
  tabs.forEach((b) => b.addEventListener('click', () => state.set({ tab: b.dataset.tab, sort: '' })));
  sortEl.addEventListener('change', () => state.set({ sort: sortEl.value }));
  root.addEventListener('click', (e) => {
    const li = e.target.closest('.result');
    if (li) openFromList(li);
    if (e.target.closest('[data-clear-filters]')) clearFilters();
    if (e.target.closest('[data-retry]')) onRetry();
    if (e.target.closest('[data-zoom-in]')) zoomToTop();
    if (e.target.closest('[data-layer-on]')) state.set({ layers: [...state.get().layers, 'carriers'] });
    if (e.target.closest('[data-more]')) {
      limit += SHOWN_AT_ONCE;
      render();
    }
  });
  root.addEventListener('keydown', (e) => {
    const li = e.target.closest('.result');
    // The row's own keys only: a button inside it (add to compare) answers its own.
    if (li === e.target && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      openFromList(li);
    }
  });
  parks.listen(() => { limit = SHOWN_AT_ONCE; render(); });
  carriers.listen(render);
  state.subscribe((s, changed) => {
    if (['tab', 'sort', 'lang', 'open'].some((k) => changed.has(k))) render();
  });
  render();
}
