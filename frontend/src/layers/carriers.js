// Available carriers, drawn from the vector tiles /tiles/land,factories (app/tiles) from city
// zoom on: land plots as polygons and factories and offices as points, coloured by status;
// below the tiles' detail zoom the server counts them per grid cell, and the page sums those
// counts into squares of the screen shaded by how many carriers each holds (a density map that
// reads at a glance, where circles sized by count overlapped into a swarm). The tiles take the map's filters with the very parameters data.js sends for
// the list, so the map and the list show the same set without the map downloading a table.
//
// Tiles are asked for whole features (clip=false): a plot crossing a tile's edge arrives
// whole in both tiles and is drawn once, with no seam. Each feature is drawn through toMap()
// on the page's canvas, so it lines up on the Amap (GCJ-02) basemap like every overlay.
import L from '../leaflet.js';
import { query } from '../api.js';
import { codeLabel, codeList, t } from '../i18n.js';
import * as state from '../state.js';
import { filterParams, onStale } from '../data.js';
import { num } from '../format.js';
import { html, markup } from '../html.js';
import { carrierTip } from '../views/map-labels.js';
import { coordsToMap, onDatumChange, viewBbox } from '../map.js';
import { fetchTile, tilesCovering } from '../tiles.js';
import { registerLayer } from './registry.js';

export const CARRIER_TILE_MIN_ZOOM = 8;
const TILE_MAX_ZOOM = 16; // the server's last carrier zoom: closer views draw its tiles' features
const TILE_LAYERS = 'land,factories';
const VIEW_PAD = 0.1; // tiles a little beyond the view, so a short pan shows drawn features
const MOVE_DEBOUNCE_MS = 100;
const STATUS_COLOUR = { available: '#2b8a3e', reserved: '#e67700', taken: '#868e96' };
// The density squares: BIN_PX across on screen (4 × 4 of the server's cells of 4 px); their
// shade by how many carriers they hold, darkest first.
const BIN_PX = 16;
const DENSITY = [[50, '#08306b'], [20, '#08519c'], [10, '#2171b5'], [5, '#4292c6'], [2, '#6baed6'], [1, '#9ecae1']];

let map;
let visible = false;
let chip = null; // what the layer cannot show (yet): "zoom in", "loading", "failed"
let failed = false;
let moving = false; // between the map starting to move and the tiles of its new view being asked for
let wanted = new Map(); // url -> {z, x, y}: the tiles the view needs
const loaded = new Map(); // url -> {z, layers: {name: [feature]}}
const pending = new Map(); // url -> AbortController
const drawn = new Map(); // feature key -> Leaflet layer
const group = L.layerGroup();
const renderer = L.canvas({ pane: 'carriers', padding: 0.3 });

function selectedId() {
  const open = state.get().open;
  return open?.kind === 'carrier' ? open.id : null;
}

function style(feature) {
  const colour = STATUS_COLOUR[feature.properties.status] || '#868e96';
  const selected = feature.id === selectedId();
  const point = feature.geometry.type === 'Point';
  return {
    color: selected ? '#0b3d91' : point ? '#fff' : colour,
    weight: selected ? 3 : 1.2,
    fillColor: colour,
    fillOpacity: point ? 0.85 : selected ? 0.55 : 0.3,
    dashArray: feature.properties.published === false ? '4 3' : null, // unpublished: staff only
  };
}

function updateChip() {
  let text = '';
  if (visible && map.getZoom() < CARRIER_TILE_MIN_ZOOM) text = t('map.carrierZoom');
  else if (visible && pending.size) text = t('map.loadingCarriers');
  else if (visible && failed) text = t('map.carriersFailed');
  chip.textContent = text;
  chip.hidden = !text;
}

function carrierLayer(f) {
  const layer = L.GeoJSON.geometryToLayer(f, {
    coordsToLatLng: coordsToMap,
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 6, renderer, pane: 'carriers' }),
    renderer,
    pane: 'carriers',
  });
  layer.feature = f;
  layer.setStyle(style(f));
  layer.bindTooltip(markup(carrierTip(f.properties)), { sticky: true });
  layer.on('click', () => state.set({ open: { kind: 'carrier', id: f.id } }, { history: 'push' }));
  return layer;
}

function densityColour(n) {
  return DENSITY.find(([least]) => n >= least)[1];
}

/** The counted cells of the loaded tiles summed into squares of BIN_PX at their tile's zoom. */
function binsOf(cells) {
  const bins = new Map();
  cells.forEach(({ f, name, z }) => {
    const p = map.project(coordsToMap(f.geometry.coordinates), z);
    const bx = Math.floor(p.x / BIN_PX);
    const by = Math.floor(p.y / BIN_PX);
    const key = `${z}:${bx}:${by}`;
    const bin = bins.get(key) ?? { z, bx, by, land: 0, factories: 0 };
    bin[name] += f.properties.count;
    bins.set(key, bin);
  });
  return bins;
}

function binLayer(bin) {
  const n = bin.land + bin.factories;
  const corner = (dx, dy) => map.unproject([(bin.bx + dx) * BIN_PX, (bin.by + dy) * BIN_PX], bin.z);
  const bounds = L.latLngBounds(corner(0, 0), corner(1, 1));
  const square = L.rectangle(bounds, {
    renderer, pane: 'carriers', stroke: false, fillColor: densityColour(n), fillOpacity: 0.75,
  });
  const parts = [['land', 'land'], ['factories', 'factory']].filter(([k]) => bin[k])
    .map(([k, code]) => `${num(bin[k], 0)} × ${codeLabel('carrier_kind', code)}`).join(' · ');
  square.bindTooltip(markup(html`${t('map.carrierCell', { n: num(n, 0), kind: parts })}`), { sticky: true });
  square.on('click', () => map.setView(bounds.getCenter(), Math.min(map.getZoom() + 2, map.getMaxZoom())));
  square.count = n;
  return square;
}

/** Draw what the loaded tiles hold, each feature once; drop what no loaded tile holds. */
function sync() {
  if (!pending.size) {
    // Tiles of a former view or zoom stay drawn until the new ones have all come.
    [...loaded.keys()].filter((url) => !wanted.has(url)).forEach((url) => loaded.delete(url));
  }
  const features = new Map();
  const cells = [];
  loaded.forEach(({ z, layers }) => Object.entries(layers).forEach(([name, list]) => list.forEach((f) => {
    // A carrier is in every tile it meets (drawn once); a grid cell belongs to its own tile.
    if (f.properties.count) cells.push({ f, name, z });
    else if (!features.has(`${name}:${z}:${f.id}`)) features.set(`${name}:${z}:${f.id}`, [f, name]);
  })));
  binsOf(cells).forEach((bin, key) => features.set(`bin:${key}:${bin.land}:${bin.factories}`, [null, bin]));
  drawn.forEach((layer, key) => {
    if (!features.has(key)) {
      group.removeLayer(layer);
      drawn.delete(key);
    }
  });
  const isPoint = (f) => f?.geometry.type === 'Point';
  const added = [...features].filter(([key]) => !drawn.has(key))
    .sort(([, [a]], [, [b]]) => isPoint(a) - isPoint(b));
  added.forEach(([key, [f, bin]]) => {
    const layer = f ? carrierLayer(f) : binLayer(bin);
    drawn.set(key, layer);
    group.addLayer(layer);
  });
  if (added.some(([, [f]]) => !isPoint(f))) {
    // Factories stay clickable over the plots drawn after them: the canvas draws in order.
    drawn.forEach((layer) => { if (layer.feature && isPoint(layer.feature)) layer.bringToFront(); });
  }
  updateChip();
  if (visible && !moving && !pending.size && wanted.size) {
    // Read by the browser tests and bench/frontend_load.py.
    document.body.dataset.carriersDrawn = String(drawn.size);
    const squares = [...drawn.values()].filter((layer) => layer.count);
    document.body.dataset.carrierSquares = `${squares.length}/${squares.reduce((sum, layer) => sum + layer.count, 0)}`;
    if (!performance.getEntriesByName('carriers-drawn').length) performance.mark('carriers-drawn');
  }
}

async function load(url, address) {
  const controller = new AbortController();
  pending.set(url, controller);
  try {
    const layers = await fetchTile(url, address, controller.signal);
    if (pending.get(url) !== controller) return;
    loaded.set(url, { z: address.z, layers });
    failed = false;
  } catch (err) {
    if (pending.get(url) !== controller) return; // replaced or aborted: a newer view took over
    failed = true;
  }
  pending.delete(url);
  sync();
}

function clearDrawn() {
  group.clearLayers();
  drawn.clear();
}

/** Ask for the tiles the view needs (with the map's filters) and abort those no longer needed. */
function refresh() {
  moving = false;
  if (!visible || map.getZoom() < CARRIER_TILE_MIN_ZOOM) {
    wanted = new Map();
    pending.forEach((controller) => controller.abort());
    pending.clear();
    loaded.clear();
    clearDrawn();
    updateChip();
    return;
  }
  const z = Math.min(TILE_MAX_ZOOM, Math.floor(map.getZoom()));
  const q = query({ clip: 'false', ...filterParams(state.get().filters) });
  const bbox = viewBbox(VIEW_PAD).split(',').map(Number);
  wanted = new Map(tilesCovering(bbox, z).map((a) => [`/tiles/${TILE_LAYERS}/${a.z}/${a.x}/${a.y}.mvt?${q}`, a]));
  pending.forEach((controller, url) => {
    if (!wanted.has(url)) {
      controller.abort();
      pending.delete(url);
    }
  });
  wanted.forEach((address, url) => {
    if (!loaded.has(url) && !pending.has(url)) load(url, address);
  });
  sync();
}

export function restyleCarriers() {
  drawn.forEach((layer) => { if (layer.feature) layer.setStyle(style(layer.feature)); });
}

function legend() {
  const rows = codeList('carrier_status').map((c) => html`<li><span class="legend-swatch s-${c.code}"></span>
    ${codeLabel('carrier_status', c.code)}</li>`);
  return html`<ul class="legend-list legend-inline">${rows}</ul>
    <ul class="legend-list legend-inline"><li><span class="legend-swatch plot"></span>${codeLabel('carrier_kind', 'land')}</li>
    <li><span class="legend-dot"></span>${codeLabel('carrier_kind', 'factory')} / ${codeLabel('carrier_kind', 'office')}</li></ul>
    <p class="legend-note"><span class="legend-ramp" aria-hidden="true">${DENSITY.map(() => html`<i></i>`)}</span>
      ${t('legend.carrierCell')}</p>`;
}

export function initCarriers(theMap) {
  map = theMap;
  chip = L.DomUtil.create('div', 'map-chip', map.getContainer());
  chip.hidden = true;
  chip.setAttribute('role', 'status');
  let moveTimer = null;
  map.on('movestart', () => {
    moving = true;
    delete document.body.dataset.carriersDrawn;
  });
  map.on('moveend', () => {
    clearTimeout(moveTimer);
    moveTimer = setTimeout(refresh, MOVE_DEBOUNCE_MS);
  });
  state.subscribe((s, changed) => {
    if (changed.has('filters')) {
      delete document.body.dataset.carriersDrawn;
      refresh();
    }
    if (changed.has('lang')) {
      clearDrawn(); // tooltips are written in the page's language
      sync();
    }
  });
  onDatumChange(() => {
    clearDrawn();
    sync();
  });
  // A save, a sign-in or a sign-out: ask for the tiles in view again (the browser revalidates
  // them by ETag), keeping the drawn ones until the answers replace them.
  onStale(() => wanted.forEach((address, url) => { if (!pending.has(url)) load(url, address); }));
  registerLayer({
    id: 'carriers', group: 'carriers', titleKey: 'layer.carriers', legend, minZoom: CARRIER_TILE_MIN_ZOOM,
    setVisible(on) {
      visible = on;
      if (on) group.addTo(map);
      else group.remove();
      refresh();
    },
  });
}
