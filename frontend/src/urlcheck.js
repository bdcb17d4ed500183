// Parameters of a shared or truncated link that the page cannot use: a coded filter with an
// unknown value ("level=nati" from a link cut short), a region that is not an adcode, a number
// that is not one. They are dropped, with a short notice, instead of making every request fail.

// Filters whose values are codes of /api/v1/codes, by their group there.
const CODED = { level: 'park_level', type: 'park_type', kind: 'carrier_kind', status: 'carrier_status', land_use: 'land_use' };
const NUMERIC = ['min_area', 'max_area', 'max_price', 'within_km', 'max_km_to_airport', 'max_km_to_rail_station', 'max_km_to_port'];

/** The keys of `filters` whose values cannot be used; `codes(group)` lists a group's codes
 * (null while they are not loaded: coded filters are then left to the second look). */
export function unusableFilters(filters, codes) {
  return Object.entries(filters).filter(([key, value]) => {
    if (key in CODED) return codes !== null && !codes(CODED[key]).includes(value);
    if (NUMERIC.includes(key)) return !(value.trim() !== '' && Number(value) >= 0);
    if (key === 'region') return !/^\d{6}(,\d{6}){0,19}$/.test(value); // several, as the API takes them
    if (key === 'cluster') return !/^\d{1,9}$/.test(value);
    // A radius needs its centre and its size (the API refuses either alone).
    if (key === 'near') return !/^-?\d{1,3}(\.\d+)?,-?\d{1,2}(\.\d+)?$/.test(value) || !('within_km' in filters);
    if (key === 'within_km' && !('near' in filters)) return true;
    return false;
  }).map(([key]) => key);
}

/** Whether the filters set a minimum area above the maximum (flagged beside the fields, not sent). */
export function areaRangeInverted(filters) {
  const min = Number(filters.min_area);
  const max = Number(filters.max_area);
  return 'min_area' in filters && 'max_area' in filters && Number.isFinite(min) && Number.isFinite(max) && min > max;
}

/** Whether the URL's filters need the codes checked before any request is sent with them. */
export function hasCodedFilters(filters) {
  return Object.keys(filters).some((k) => k in CODED);
}
