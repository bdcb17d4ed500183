// Vector tiles of /tiles (app/tiles): which tiles cover a view, and their features decoded
// in the page (@mapbox/vector-tile + pbf) into GeoJSON in WGS-84. Layers then draw the
// features themselves through toMap(), like every other overlay, so that they line up on a
// GCJ-02 basemap too: a tile's grid is WGS-84's, not the basemap's, so a layer must never
// place tiles by the basemap's own tile grid.
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { t } from './i18n.js';

const TIMEOUT_MS = 20000;

function clamp(v, lo, hi) {
  return Math.max(lo, Math.min(hi, v));
}

/** {z, x, y} of every tile of zoom `z` meeting the WGS-84 box [west, south, east, north]. */
export function tilesCovering([west, south, east, north], z) {
  const n = 2 ** z;
  const column = (lon) => clamp(Math.floor(((lon + 180) / 360) * n), 0, n - 1);
  const row = (lat) => {
    const phi = (clamp(lat, -85.0511, 85.0511) * Math.PI) / 180;
    return clamp(Math.floor(((1 - Math.asinh(Math.tan(phi)) / Math.PI) / 2) * n), 0, n - 1);
  };
  const tiles = [];
  for (let x = column(west); x <= column(east); x += 1) {
    for (let y = row(north); y <= row(south); y += 1) tiles.push({ z, x, y });
  }
  return tiles;
}

/**
 * The features of the tile at `url` (tile address {z, x, y}) as {layerName: [GeoJSON Feature]}.
 * The server's ETag and `no-cache` let the browser revalidate a tile it already holds (304).
 */
export async function fetchTile(url, { z, x, y }, signal) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal?.addEventListener('abort', abort);
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; abort(); }, TIMEOUT_MS);
  try {
    let response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (err) {
      if (timedOut) throw new Error(t('error.timeout'));
      throw err; // aborted by the caller (an AbortError it ignores), or the network's error
    }
    if (!response.ok) throw new Error(t('error.server', { status: response.status }));
    const tile = new VectorTile(new PbfReader(await response.arrayBuffer()));
    return Object.fromEntries(Object.entries(tile.layers).map(([name, layer]) => [
      name, Array.from({ length: layer.length }, (_, i) => layer.feature(i).toGeoJSON(x, y, z)),
    ]));
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
}
