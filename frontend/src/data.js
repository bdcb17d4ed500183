// What the map and the list show, fetched once and shared, so that both always show the
// same set: the parks matching the filters (the whole filtered set: at most a few hundred
// parks exist), the carriers matching them inside the view (bbox-limited: all from park zoom
// on, the first hundred by the list's sort farther out), and the region outlines. Layers and
// the list only listen; nothing else fetches.
//
// The list's carriers come as bbox-limited GeoJSON built in SQL; the map draws them from
// vector tiles (layers/carriers.js), asked for with the same filter parameters (filterParams).
import { getJSON, isAbort, query } from './api.js';
import { areaRangeInverted } from './urlcheck.js';
import { getLang } from './i18n.js';
import { rememberParks } from './names.js';

export const CARRIER_MIN_ZOOM = 12;
const CARRIER_PAGE = 1500;
const CARRIER_TOP = 100;
const PARK_LIMIT = 5000;

function source(initial) {
  let value = initial;
  let controller = null;
  const listeners = new Set();
  return {
    get: () => value,
    listen(fn) { listeners.add(fn); },
    put(next) { value = next; listeners.forEach((fn) => fn(value)); },
    /** Run `fetcher(signal)`, replacing any request still running, and publish its states. */
    async load(fetcher, key) {
      controller?.abort();
      controller = new AbortController();
      const mine = controller;
      this.put({ ...value, status: 'loading', slow: false, key });
      try {
        const result = await fetcher(mine.signal, () => {
          if (controller === mine) this.put({ ...value, slow: true });
        });
        if (controller === mine) this.put({ ...result, status: 'ready', slow: false, key });
      } catch (err) {
        if (isAbort(err) || controller !== mine) return;
        this.put({ ...value, status: 'error', error: err.message, slow: false, key });
      }
    },
    abort() { controller?.abort(); },
    /** Forget what was loaded, so that the next load asks the server again. */
    forget() { value = { ...value, key: null }; },
  };
}

export const parks = source({ status: 'idle', features: [], total: 0, key: null });
export const carriers = source({ status: 'idle', features: [], total: 0, truncated: false, key: null });

/** The filters as the API's query parameters: the list's requests and the carrier tiles use them. */
export function filterParams(filters) {
  const p = { ...filters };
  // An inverted range is flagged beside its fields (filters.js) and not sent: the lists still load.
  if (areaRangeInverted(p)) {
    delete p.min_area;
    delete p.max_area;
  }
  if ('min_area' in p || 'max_area' in p) p.area_unit = 'mu';
  return p;
}

export function loadParks(filters) {
  const q = query({ f: 'geojson', limit: PARK_LIMIT, count: 'true', ...filterParams(filters) });
  return parks.load(async (signal, onSlow) => {
    const fc = await getJSON(`/api/v1/map/parks?${q}`, { signal, onSlow });
    rememberParks(fc.features);
    return { features: fc.features, total: fc.numberMatched };
  }, q);
}

// The list's carrier sorts as the API's `sort` (the first is the default), for the top carriers
// listed from farther out than park zoom.
export const CARRIER_SORTS = { carrierArea: '-area_m2', price: 'price_wan_per_mu', name: 'name' };

/** Carriers in `bbox` (WGS-84 "w,s,e,n"): all of them from park zoom on; farther out, the first
 * CARRIER_TOP by the list's `sort` (a key of CARRIER_SORTS), flagged `top`. */
export function loadCarriers(filters, bbox, zoom, visible, sort = '') {
  if (!visible) {
    carriers.abort();
    carriers.put({ status: 'off', features: [], total: 0, key: null });
    return Promise.resolve();
  }
  const top = zoom < CARRIER_MIN_ZOOM;
  const order = top ? { sort: CARRIER_SORTS[sort] ?? Object.values(CARRIER_SORTS)[0] } : {};
  const q = query({ f: 'geojson', limit: top ? CARRIER_TOP : CARRIER_PAGE, count: 'true', bbox, ...order, ...filterParams(filters) });
  if (carriers.get().key === q && carriers.get().status === 'ready') return Promise.resolve();
  return carriers.load(async (signal, onSlow) => {
    const fc = await getJSON(`/api/v1/map/carriers?${q}`, { signal, onSlow });
    return { features: fc.features, total: fc.numberMatched, truncated: fc.numberMatched > fc.features.length, top };
  }, q);
}

const regionCache = new Map();
const regionNames = new Map();

/** Generalised outlines of every region of a level, with label points; fetched once. */
export function regions(level) {
  if (!regionCache.has(level)) {
    const promise = getJSON(`/api/v1/map/regions?level=${level}`);
    promise.then((fc) => fc.features.forEach((f) => regionNames.set(f.id, f.properties))).catch(() => {});
    promise.catch(() => regionCache.delete(level)); // a failed load may be retried later
    regionCache.set(level, promise);
  }
  return regionCache.get(level);
}

/** The name of a region whose level has been loaded, in the page's language; else undefined. */
export function regionName(adcode) {
  const r = regionNames.get(adcode);
  return r && (getLang() === 'en' && r.name_en ? r.name_en : r.name);
}

/** Cities with their counties, for region pickers: [{adcode, name, counties: [{adcode, name}]}]. */
export async function regionTree() {
  const [cities, counties] = await Promise.all([regions('city'), regions('county')]);
  return cities.features.map((c) => ({
    adcode: c.id, name: regionName(c.id) ?? c.properties.name,
    counties: counties.features.filter((f) => f.properties.parent_adcode === c.id)
      .map((f) => ({ adcode: f.id, name: regionName(f.id) ?? f.properties.name })),
  }));
}

const staleListeners = new Set();

/** The records changed (a save, someone signed in or out): whoever shows them loads them again. */
export function markStale() {
  parks.forget();
  carriers.forget();
  staleListeners.forEach((fn) => fn());
}

export function onStale(fn) {
  staleListeners.add(fn);
}

let clusterList = null;

export function clusters() {
  if (!clusterList) {
    clusterList = getJSON('/api/v1/clusters?limit=1000').then((r) => r.items);
    clusterList.catch(() => { clusterList = null; });
  }
  return clusterList;
}
