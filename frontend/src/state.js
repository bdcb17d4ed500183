// The page's state and its URL. Everything a shared link must reopen lives here: the view
// (always WGS-84, whatever the basemap's datum), the layers, the basemap, the filters, the
// open item, the list tab and sort, what is compared, and the language. Unknown parameters
// (WeChat adds `from=singlemessage`, for one) are ignored.

// Straight-line limits, measured by the API from each park's and each carrier's own position.
export const DISTANCE_FILTER_KEYS = ['near', 'within_km', 'max_km_to_airport', 'max_km_to_rail_station', 'max_km_to_port'];
export const FILTER_KEYS = ['q', 'industry', 'level', 'type', 'region', 'cluster',
  'kind', 'status', 'land_use', 'min_area', 'max_area', 'max_price', ...DISTANCE_FILTER_KEYS];
export const CARRIER_FILTER_KEYS = ['kind', 'status', 'land_use', 'min_area', 'max_area', 'max_price', ...DISTANCE_FILTER_KEYS];
export const DEFAULT_LAYERS = ['regions', 'parks', 'cooperation', 'carriers'];

const listeners = new Set();
let current = {
  view: null, // {lat, lng, zoom} or null for "fit Jiangxi"
  layers: [...DEFAULT_LAYERS],
  basemap: null, // null: the server's default
  lang: 'zh',
  filters: {},
  open: null, // {kind: 'park'|'carrier', id}
  tab: 'parks',
  sort: '',
  compare: null, // what is set aside for comparison: 'park:1,2' or 'carrier:3,4,5' (sites/basket.js)
  asked: null, // the match requirement (JSON) whose verdicts the comparison shows (sites/panel.js)
};

export function get() {
  return current;
}

/** Merge `patch` into the state, write the URL and tell every listener which keys changed. */
export function set(patch, { history = 'replace' } = {}) {
  const changed = Object.keys(patch).filter((k) => JSON.stringify(patch[k]) !== JSON.stringify(current[k]));
  if (!changed.length) return;
  current = { ...current, ...patch };
  const url = `${window.location.pathname}${toQuery(current)}`;
  if (history === 'push') window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
  listeners.forEach((fn) => fn(current, new Set(changed)));
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function setFilters(patch) {
  const filters = { ...current.filters, ...patch };
  Object.keys(filters).forEach((k) => {
    if (filters[k] === '' || filters[k] === null || filters[k] === undefined) delete filters[k];
  });
  set({ filters });
}

export function activeFilterCount(filters = current.filters) {
  return Object.keys(filters).length;
}

export function hasCarrierFilters(filters = current.filters) {
  return CARRIER_FILTER_KEYS.some((k) => k in filters);
}

export function toQuery(s) {
  const p = new URLSearchParams();
  if (s.view) p.set('c', `${s.view.lat.toFixed(5)},${s.view.lng.toFixed(5)},${s.view.zoom}`);
  if (s.basemap) p.set('bm', s.basemap);
  // English links stay English; Chinese is written only where the browser would choose English.
  if (s.lang !== 'zh' || s.lang !== browserLang()) p.set('lang', s.lang);
  if (s.layers.join(',') !== DEFAULT_LAYERS.join(',')) p.set('layers', s.layers.join(',') || 'none');
  FILTER_KEYS.forEach((k) => { if (k in s.filters) p.set(k, s.filters[k]); });
  if (s.open) p.set('open', `${s.open.kind}:${s.open.id}`);
  if (s.tab !== 'parks') p.set('tab', s.tab);
  if (s.sort) p.set('sort', s.sort);
  if (s.compare) p.set('cmp', s.compare);
  if (s.compare && s.asked) p.set('req', s.asked);
  const text = p.toString();
  return text ? `?${text}` : '';
}

/** A link without lang= opens in the browser's language: Chinese for zh*, English otherwise. */
export function browserLang() {
  const nav = globalThis.navigator; // absent where the module is unit-tested
  const first = (nav?.languages?.[0] || nav?.language || 'zh').toLowerCase();
  return first.startsWith('zh') ? 'zh' : 'en';
}

/** The state a URL describes; anything malformed falls back to its default. */
export function fromQuery(search) {
  const p = new URLSearchParams(search);
  const s = { ...current, filters: {}, open: null, view: null };
  const c = (p.get('c') || '').split(',').map(Number);
  if (c.length === 3 && c.every(Number.isFinite) && Math.abs(c[0]) <= 90 && Math.abs(c[1]) <= 180) {
    s.view = { lat: c[0], lng: c[1], zoom: Math.round(c[2] * 2) / 2 };
  }
  s.basemap = p.get('bm') || null;
  s.lang = ['zh', 'en'].includes(p.get('lang')) ? p.get('lang') : browserLang();
  if (p.has('layers')) s.layers = p.get('layers') === 'none' ? [] : p.get('layers').split(',').filter(Boolean);
  else s.layers = [...DEFAULT_LAYERS];
  FILTER_KEYS.forEach((k) => { if (p.get(k)) s.filters[k] = p.get(k); });
  const open = /^(park|carrier):(\d+)$/.exec(p.get('open') || '');
  if (open) s.open = { kind: open[1], id: Number(open[2]) };
  s.tab = p.get('tab') === 'carriers' ? 'carriers' : 'parks';
  s.sort = p.get('sort') || '';
  s.compare = /^(park|carrier):\d{1,9}(,\d{1,9}){0,3}$/.test(p.get('cmp') || '') ? p.get('cmp') : null;
  s.asked = s.compare && (p.get('req') || '').length <= 4000 ? p.get('req') || null : null;
  return s;
}

/** Load the state from the address bar (at start and on back/forward), telling listeners. */
export function loadFromLocation() {
  const next = fromQuery(window.location.search);
  const changed = Object.keys(next).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]));
  current = next;
  listeners.forEach((fn) => fn(current, new Set(changed)));
}

export function initFromLocation() {
  current = fromQuery(window.location.search);
}
