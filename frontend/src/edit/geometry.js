// Drawing and editing one geometry on the map, for the edit forms: a point (a park's location,
// a factory) placed by clicking and moved by dragging, or a polygon (a land plot) drawn by
// clicking its corners, with corners dragged, inserted (click the small handle half-way along
// a side) and removed (right-click or long-press a corner, or "undo").
//
// Positions are kept in WGS-84 [lon, lat] and drawn through toMap(), so the editor lines up on
// the GCJ-02 basemap too. While it runs, the other layers stop taking clicks (body.geo-editing):
// a click on the map is always a click for the editor.
import L from '../leaflet.js';
import { fromMap, onDatumChange, toMap } from '../map.js';
import { html, markup } from '../html.js';

const DIGITS = 6; // ~0.1 m: finer than any parcel survey the listings give

const round = (v) => Number(v.toFixed(DIGITS));

function vertexIcon(cls, size = 16) {
  return L.divIcon({ className: `edit-handle ${cls}`, iconSize: [size, size], iconAnchor: [size / 2, size / 2] });
}

/**
 * kind: 'point' | 'polygon'; value: a GeoJSON Point / Polygon or null; onChange(geometry|null)
 * after each edit. Returns {value(), clear(), undo(), showProblem([lon, lat], text), destroy()}.
 */
export function editGeometry(map, { kind, value, onChange }) {
  if (!map.getPane('editing')) map.createPane('editing').style.zIndex = 660;
  const group = L.layerGroup().addTo(map);
  let problem = null;
  // WGS-84 [lon, lat] positions: one for a point, the open ring of a polygon.
  let points = [];
  if (value?.type === 'Point') points = [value.coordinates.slice(0, 2)];
  if (value?.type === 'Polygon') points = value.coordinates[0].slice(0, -1).map((p) => p.slice(0, 2));
  const history = [];

  const at = (p) => toMap(p[1], p[0]);
  const wgs = (latlng) => {
    const w = fromMap(latlng);
    return [round(w.lng), round(w.lat)];
  };

  function geometry() {
    if (kind === 'point') return points.length ? { type: 'Point', coordinates: points[0] } : null;
    if (points.length < 3) return null;
    return { type: 'Polygon', coordinates: [[...points, points[0]]] };
  }

  function changed() {
    problem?.remove();
    problem = null;
    draw();
    onChange(geometry());
  }

  function remember() {
    history.push(points.map((p) => [...p]));
  }

  function draw() {
    group.clearLayers();
    if (kind === 'point') {
      if (!points.length) return;
      const marker = L.marker(at(points[0]), { pane: 'editing', draggable: true, icon: vertexIcon('edit-point'),
        keyboard: false });
      marker.on('dragstart', remember);
      marker.on('dragend', () => { points = [wgs(marker.getLatLng())]; changed(); });
      group.addLayer(marker);
      return;
    }
    const latlngs = points.map(at);
    if (latlngs.length >= 2) {
      group.addLayer(L.polygon(latlngs, { pane: 'editing', className: 'edit-shape', interactive: false }));
    }
    latlngs.forEach((ll, i) => {
      const next = latlngs[(i + 1) % latlngs.length];
      if (latlngs.length >= 3 || i < latlngs.length - 1) {
        const mid = L.marker(L.latLng((ll.lat + next.lat) / 2, (ll.lng + next.lng) / 2), {
          pane: 'editing', icon: vertexIcon('edit-mid', 12), keyboard: false });
        mid.on('click', () => {
          remember();
          points.splice(i + 1, 0, wgs(mid.getLatLng()));
          changed();
        });
        group.addLayer(mid);
      }
    });
    latlngs.forEach((ll, i) => {
      const vertex = L.marker(ll, { pane: 'editing', draggable: true, icon: vertexIcon(i === 0 ? 'edit-vertex first' : 'edit-vertex'),
        keyboard: false });
      vertex.on('dragstart', remember);
      vertex.on('drag', () => {
        const shape = group.getLayers().find((l) => l instanceof L.Polygon);
        shape?.setLatLngs(latlngs.map((p, j) => (j === i ? vertex.getLatLng() : p)));
      });
      vertex.on('dragend', () => { points[i] = wgs(vertex.getLatLng()); changed(); });
      vertex.on('contextmenu', (e) => {
        L.DomEvent.preventDefault(e.originalEvent);
        remember();
        points.splice(i, 1);
        changed();
      });
      group.addLayer(vertex);
      vertex.getElement()?.setAttribute('data-vertex', String(i));
    });
  }

  function onMapClick(e) {
    remember();
    if (kind === 'point') points = [wgs(e.latlng)];
    else points.push(wgs(e.latlng));
    changed();
  }

  map.on('click', onMapClick);
  const zoomOnDblClick = map.doubleClickZoom.enabled();
  map.doubleClickZoom.disable();
  document.body.classList.add('geo-editing');
  let dead = false;
  const redraw = () => { if (!dead) draw(); };
  onDatumChange(redraw);
  draw();

  return {
    value: geometry,
    clear() {
      remember();
      points = [];
      changed();
    },
    undo() {
      if (!history.length) return;
      points = history.pop();
      changed();
    },
    canUndo: () => history.length > 0,
    /** Mark where the server found the geometry wrong, e.g. the crossing of a self-intersecting ring. */
    showProblem(location, text) {
      problem?.remove();
      problem = L.circleMarker(at(location), { pane: 'editing', radius: 10, className: 'edit-problem', interactive: false })
        .bindTooltip(markup(html`${text}`), { permanent: true, direction: 'top', className: 'edit-problem-tip', offset: [0, -8] })
        .addTo(map);
    },
    /** The drawn shape's extent as [[south, west], [north, east]] (WGS-84), or null. */
    bounds() {
      if (!points.length) return null;
      const lats = points.map((p) => p[1]);
      const lngs = points.map((p) => p[0]);
      return [[Math.min(...lats), Math.min(...lngs)], [Math.max(...lats), Math.max(...lngs)]];
    },
    destroy() {
      map.off('click', onMapClick);
      if (zoomOnDblClick) map.doubleClickZoom.enable();
      document.body.classList.remove('geo-editing');
      problem?.remove();
      group.remove();
      dead = true;
    },
  };
}
