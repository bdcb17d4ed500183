// Moving the map to things, in WGS-84: the datum shift is map.js's business.
import { getMap, toMap } from './map.js';

export const PARK_ZOOM = 12;

export function flyToPark(lat, lng) {
  const map = getMap();
  map.flyTo(toMap(lat, lng), Math.max(map.getZoom(), PARK_ZOOM), { duration: 0.6 });
}

/** Fit [[south, west], [north, east]] (WGS-84) into the view. */
export function fitWgsBounds(bounds, maxZoom = 14) {
  const map = getMap();
  map.fitBounds(bounds.map(([lat, lng]) => toMap(lat, lng)), { maxZoom, padding: [24, 24] });
}

/** Fit a GeoJSON geometry's extent. */
export function fitGeometry(geometry, maxZoom = 16) {
  const points = [];
  const walk = (c) => (typeof c[0] === 'number' ? points.push(c) : c.forEach(walk));
  walk(geometry.coordinates);
  const lats = points.map((p) => p[1]);
  const lngs = points.map((p) => p[0]);
  fitWgsBounds([[Math.min(...lats), Math.min(...lngs)], [Math.max(...lats), Math.max(...lngs)]], maxZoom);
}
