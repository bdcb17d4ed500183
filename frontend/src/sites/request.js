// The requirement as the API takes it (POST /api/v1/sites/match), read from the form: only the
// criteria the user filled in, each hard or soft as ticked.

const number = (form, name) => {
  const v = form.elements[name]?.value.trim();
  return v ? Number(v) : null;
};
const ticked = (form, name) => Boolean(form.elements[name]?.checked);
const values = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((el) => el.value);

export const DISTANCE_FIELDS = [['airport', 'airport'], ['rail_station', 'rail'], ['port', 'port']];

/** The requirement of the form; `centre` ({lat, lng}, WGS-84) is where a radius is measured from. */
export function requirementOf(form, centre) {
  const kind = form.elements.kind.value;
  const req = { kind, limit: 30 };
  const min = number(form, 'area_min');
  const max = number(form, 'area_max');
  if (min !== null || max !== null) {
    req.area = { unit: form.elements.area_unit.value, hard: ticked(form, 'area_hard') };
    if (min !== null) req.area.min = min;
    if (max !== null) req.area.max = max;
  }
  const cities = values(form, 'city');
  if (cities.length) req.regions = { adcodes: cities, hard: ticked(form, 'regions_hard') };
  const uses = values(form, 'land_use');
  if (kind === 'land' && uses.length) req.land_use = { codes: uses, hard: ticked(form, 'land_use_hard') };
  const price = number(form, 'price');
  if (price !== null) req.price = { max: price, hard: ticked(form, 'price_hard') };
  DISTANCE_FIELDS.forEach(([facility, field]) => {
    const km = number(form, `${field}_km`);
    if (km !== null) {
      req.distances ??= {};
      req.distances[facility] = { km, hard: ticked(form, `${field}_hard`) };
    }
  });
  const keyword = form.elements.industry.value.trim();
  if (keyword) req.industry = { keyword };
  const km = number(form, 'radius_km');
  if (km !== null) req.near = { lon: centre.lng, lat: centre.lat, km };
  return req;
}
