// Moving the map to things, in WGS-84: the datum shift is map.js's business.
import { getMap, toMap } from './map.js';
import { isPhone } from './panel.js';

export const PARK_ZOOM = 12;
// On a phone the detail sheet covers the lower 62% of the screen: what it is about goes in
// the middle of the part above it, not in the middle of the screen.
const SHEET_SHARE = 0.62;

export function flyToPark(lat, lng) {
  const map = getMap();
  const zoom = Math.max(map.getZoom(), PARK_ZOOM);
  let target = toMap(lat, lng);
  if (isPhone()) {
    const h = map.getSize().y;
    target = map.unproject(map.project(target, zoom).add([0, (h * SHEET_SHARE) / 2]), zoom);
  }
  map.flyTo(target, zoom, { duration: 0.6 });
}

/** Fit [[south, west], [north, east]] (WGS-84) into the view (`options`: Leaflet's, e.g. animate). */
export function fitWgsBounds(bounds, maxZoom = 14, options = {}) {
  const map = getMap();
  map.fitBounds(bounds.map(([lat, lng]) => toMap(lat, lng)), { maxZoom, padding: [24, 24], ...options });
}

/** Fit a GeoJSON geometry's extent. */
export function fitGeometry(geometry, maxZoom = 16, options = {}) {
  const points = [];
  const walk = (c) => (typeof c[0] === 'number' ? points.push(c) : c.forEach(walk));
  walk(geometry.coordinates);
  const lats = points.map((p) => p[1]);
  const lngs = points.map((p) => p[0]);
  fitWgsBounds([[Math.min(...lats), Math.min(...lngs)], [Math.max(...lats), Math.max(...lngs)]], maxZoom, options);
}
