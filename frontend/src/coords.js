// WGS-84 <-> GCJ-02, the same formulas as app/geo/coords.py (tests/test_browser_coords.py
// compares the two). The Amap basemap is drawn in GCJ-02, so on it every overlay is shifted
// forward, and positions read from the map (centre, bounds, clicks) are shifted back.

const A = 6378245.0; // Krasovsky 1940 semi-major axis: GCJ-02's offsets are metres on it
const EE = 0.00669342162296594323; // and its first eccentricity squared
const INVERSE_TOLERANCE_DEG = 1e-9;
const INVERSE_MAX_ITERATIONS = 30;

export function inChina(lon, lat) {
  return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

function offset(lon, lat) {
  const x = lon - 105.0;
  const y = lat - 35.0;
  const ripple = ((20 * Math.sin(6 * Math.PI * x) + 20 * Math.sin(2 * Math.PI * x)) * 2) / 3;
  const sqrtAbsX = Math.sqrt(Math.abs(x));
  const north = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrtAbsX + ripple
    + ((20 * Math.sin(Math.PI * y) + 40 * Math.sin((Math.PI * y) / 3)) * 2) / 3
    + ((160 * Math.sin((Math.PI * y) / 12) + 320 * Math.sin((Math.PI * y) / 30)) * 2) / 3;
  const east = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrtAbsX + ripple
    + ((20 * Math.sin(Math.PI * x) + 40 * Math.sin((Math.PI * x) / 3)) * 2) / 3
    + ((150 * Math.sin((Math.PI * x) / 12) + 300 * Math.sin((Math.PI * x) / 30)) * 2) / 3;
  const phi = (lat * Math.PI) / 180;
  const w2 = 1 - EE * Math.sin(phi) ** 2;
  const w = Math.sqrt(w2);
  const meridianRadius = (A * (1 - EE)) / (w2 * w);
  const parallelRadius = (A / w) * Math.cos(phi);
  return [(east * 180) / (parallelRadius * Math.PI), (north * 180) / (meridianRadius * Math.PI)];
}

/** [lon, lat] WGS-84 -> [lon, lat] GCJ-02; outside China unchanged. */
export function wgs84ToGcj02(lon, lat) {
  if (!inChina(lon, lat)) return [lon, lat];
  const [dlon, dlat] = offset(lon, lat);
  return [lon + dlon, lat + dlat];
}

/** [lon, lat] GCJ-02 -> [lon, lat] WGS-84 by fixed-point iteration (no closed form exists). */
export function gcj02ToWgs84(lon, lat) {
  if (!inChina(lon, lat)) return [lon, lat];
  let x = lon;
  let y = lat;
  for (let i = 0; i < INVERSE_MAX_ITERATIONS; i += 1) {
    const [fx, fy] = wgs84ToGcj02(x, y);
    const rx = fx - lon;
    const ry = fy - lat;
    x -= rx;
    y -= ry;
    if (Math.abs(rx) < INVERSE_TOLERANCE_DEG && Math.abs(ry) < INVERSE_TOLERANCE_DEG) break;
  }
  return [x, y];
}
