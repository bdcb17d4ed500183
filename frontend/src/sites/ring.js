// The map filters' radius (near + within_km) drawn as a ring, so that what the lists and tiles
// are limited to can be seen: straight-line, on the ellipsoid as the API measures it (Leaflet's
// circle is drawn on the sphere; the two differ by under 0.5%).
import L from '../leaflet.js';
import { toMap } from '../map.js';
import * as state from '../state.js';

let ring = null;

function draw(map, filters) {
  ring?.remove();
  ring = null;
  const [lon, lat] = (filters.near ?? '').split(',').map(Number);
  const km = Number(filters.within_km);
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || !(km > 0)) return;
  ring = L.circle(toMap(lat, lon), { radius: km * 1000, className: 'filter-ring', fill: false, interactive: false }).addTo(map);
}

export function initRing(map) {
  draw(map, state.get().filters);
  state.subscribe((s, changed) => {
    if (changed.has('filters') || changed.has('basemap')) draw(map, s.filters);
  });
}
