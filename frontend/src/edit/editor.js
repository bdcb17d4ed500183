// The editor drawer: a park or carrier form beside the map, with its geometry drawn on the
// map. It sits over the detail drawer (same place, same look) and leaves it as it was.
//
// Saving sends a POST for a new record, or a PATCH of the changed fields with If-Match set to
// the ETag read when the editing began. The server validates; its problems are shown next to
// their fields and, for geometry, on the map. A 412 means someone else saved in between: the
// form says so and offers to load their version.
import { request } from '../api.js';
import { getLang, t } from '../i18n.js';
import { num } from '../format.js';
import { html, setHtml } from '../html.js';
import { markStale, regionTree } from '../data.js';
import { getMap, toMap } from '../map.js';
import { isPhone } from '../panel.js';
import * as state from '../state.js';
import { refreshMe, user } from '../auth.js';
import { editGeometry } from './geometry.js';
import { bodyFor, changePolicies, fieldsFor, fieldsHtml, readForm, showProblems, valuesOf } from './form.js';

const PATHS = { park: '/api/v1/parks', carrier: '/api/v1/carriers' };
const MU_M2 = 10000 / 15;
const EARTH_R = 6371008.8;

let root = null;
let session = null; // {kind, id, etag, initial, values, carrierKind, ctx}
let geom = null;

export function isEditing() {
  return Boolean(session);
}

/** Rough area of a WGS-84 ring in m² (equirectangular; plenty for "about 12.3 mu"). */
function ringArea(ring) {
  const lat0 = (ring.reduce((s, p) => s + p[1], 0) / ring.length) * (Math.PI / 180);
  const xy = ring.map(([lng, lat]) => [lng * (Math.PI / 180) * EARTH_R * Math.cos(lat0), lat * (Math.PI / 180) * EARTH_R]);
  let sum = 0;
  for (let i = 0; i < xy.length - 1; i += 1) sum += xy[i][0] * xy[i + 1][1] - xy[i + 1][0] * xy[i][1];
  return Math.abs(sum) / 2;
}

function geometryStatus(g, kind) {
  if (!g) return html`<span class="muted">${t(kind === 'polygon' ? 'field.plotEmpty' : 'field.pointEmpty')}</span>`;
  if (g.type === 'Point') return html`${t('field.pointAt', { lng: g.coordinates[0].toFixed(5), lat: g.coordinates[1].toFixed(5) })}`;
  const ring = g.coordinates[0];
  return html`${t('field.plotDrawn', { n: ring.length - 1, mu: num(ringArea(ring) / MU_M2, 1) })}`;
}

/** Bring the drawn geometry into the part of the map the editor leaves free (above it on a phone). */
function fitDrawn(maxZoom) {
  const bounds = geom?.bounds();
  if (!bounds) return;
  getMap().fitBounds(bounds.map(([lat, lng]) => toMap(lat, lng)), {
    maxZoom, paddingTopLeft: [40, isPhone() ? 80 : 40], paddingBottomRight: [40, isPhone() ? root.offsetHeight + 24 : 40],
  });
}

function field(name) {
  return root.querySelector(`.field[data-field="${name}"]`);
}

function geometryField() {
  return fieldsFor(session.kind, session.carrierKind).find((f) => f.type === 'geometry');
}

function updateGeometryStatus() {
  const f = geometryField();
  const box = field(f.name)?.querySelector('[data-geom-status]');
  if (box) setHtml(box, geometryStatus(geom.value(), f.geometry));
}

function startGeometry(value) {
  geom?.destroy();
  const f = geometryField();
  geom = editGeometry(getMap(), {
    kind: f.geometry,
    value,
    onChange: () => {
      updateGeometryStatus();
      // A land plot's stated area no longer fits a redrawn parcel: let the server measure it.
      const area = root.querySelector('input[name=area_mu]');
      if (area && session.id !== null && !area.dataset.touched) area.value = '';
    },
  });
}

/** Show `content` (an Html) above the form, or hide the message when it is empty. */
function message(kind, content = html``) {
  const box = root.querySelector('[data-form-message]');
  box.className = `form-message is-${kind}`;
  setHtml(box, content);
  box.hidden = !box.hasChildNodes();
  if (!box.hidden) box.scrollIntoView({ block: 'nearest' });
}

function render() {
  const { kind, id, ctx } = session;
  const fields = fieldsFor(kind, session.carrierKind);
  const title = id === null ? t(kind === 'park' ? 'edit.newPark' : 'edit.newCarrier')
    : t(kind === 'park' ? 'edit.editPark' : 'edit.editCarrier');
  root.dataset.kind = kind;
  root.dataset.id = id ?? 'new';
  setHtml(root, html`<header class="detail-head">
      <button type="button" class="detail-close" data-cancel aria-label="${t('edit.cancel')}" title="${t('edit.cancel')}">×</button>
      <div class="detail-title"><div><h2>${title}</h2>${id !== null ? html`<p class="detail-sub">${session.name}</p>` : ''}</div></div>
    </header>
    <form class="edit-form detail-body" novalidate autocomplete="off" id="edit-form">
      <div class="form-message" data-form-message role="alert" hidden></div>
      <div class="fields">${fieldsHtml(fields, session.values, ctx)}</div>
    </form>
    <footer class="edit-actions">
      <button type="button" class="btn" data-cancel>${t('edit.cancel')}</button>
      <button type="submit" class="btn btn-primary" form="edit-form" data-save>${t(id === null ? 'edit.create' : 'edit.save')}</button>
    </footer>`);
  startGeometry(session.values[geometryField().name]);
  updateGeometryStatus();
}

function show(open) {
  const was = !root.hidden;
  root.hidden = !open;
  document.body.classList.toggle('editor-open', open);
  if (was !== open) getMap().invalidateSize();
}

function close() {
  geom?.destroy();
  geom = null;
  session = null;
  root.replaceChildren();
  show(false);
}

async function loadRecord(kind, id) {
  const { body, etag } = await request('GET', `${PATHS[kind]}/${id}`);
  return { item: body, etag };
}

async function context(kind, isNew) {
  const [tree, parkList] = await Promise.all([
    kind === 'park' ? regionTree() : [],
    kind === 'carrier' ? request('GET', '/api/v1/parks?limit=1000&sort=name').then((r) => r.body.items) : [],
  ]);
  return { isNew, regionTree: tree, parks: parkList };
}

function opening(kind) {
  session = null;
  geom?.destroy();
  geom = null;
  root.dataset.kind = kind;
  setHtml(root, html`<div class="detail-body"><div class="list-state is-loading"><span class="spinner"></span><p>${t('detail.loading')}</p></div></div>`);
  show(true);
}

function failed(err) {
  setHtml(root, html`<header class="detail-head"><button type="button" class="detail-close" data-cancel>×</button></header>
    <div class="detail-body"><div class="list-state is-error"><p>${err.message}</p></div></div>`);
}

/** Edit the park or carrier `id`: read it (and its ETag) afresh, then show the form. */
export async function editRecord(kind, id) {
  opening(kind);
  try {
    const [{ item, etag }, ctx] = await Promise.all([loadRecord(kind, id), context(kind, false)]);
    session = { kind, id, etag, name: item.name, carrierKind: item.kind, ctx,
      initial: valuesOf(kind, item), values: valuesOf(kind, item) };
    render();
    fitDrawn(kind === 'park' ? 14 : 17);
  } catch (err) {
    failed(err);
  }
}

/** A new park, or a new carrier (in `parkId` when given), drawn on the map. */
export async function createRecord(kind, { parkId = null } = {}) {
  opening(kind);
  try {
    const ctx = await context(kind, true);
    // Provenance of a record typed in here: who entered it (they may replace it with the document).
    const source = t('edit.defaultSource', { name: user().display_name || user().name });
    const values = kind === 'park'
      ? { published: false, level: 'provincial', type: 'industrial', location_precision: 'exact', leading_industries: [], source }
      : { published: false, kind: 'land', status: 'available', park_id: parkId, is_standard_land: false, source };
    session = { kind, id: null, etag: null, name: '', carrierKind: values.kind ?? 'land', ctx, initial: null, values };
    render();
  } catch (err) {
    failed(err);
  }
}

function currentValues() {
  const form = root.querySelector('form');
  return readForm(form, fieldsFor(session.kind, session.carrierKind), geom.value());
}

function showError(err) {
  const form = root.querySelector('form');
  const details = err.body?.error?.details ?? [];
  const left = showProblems(form, details);
  const zh = getLang() === 'zh';
  const placed = details.find((d) => d.location && Array.isArray(d.location) && typeof d.location[0] === 'number');
  if (placed) geom.showProblem(placed.location, zh ? placed.problem_zh : placed.problem);
  if (err.status === 412) {
    message('conflict', html`<b>${t('edit.conflictTitle')}</b><p>${t('edit.conflict')}</p>
      <button type="button" class="btn" data-reload>${t('edit.reload')}</button>`);
  } else if (err.status === 422 && !left.length) {
    message('error', html`${t('edit.fixFields')}`);
  } else {
    const extra = left.map((d) => html`<li><code>${d.field}</code> ${zh ? d.problem_zh : d.problem}</li>`);
    message('error', html`${err.message}${extra.length ? html`<ul>${extra}</ul>` : ''}`);
  }
  if (err.status === 401) refreshMe();
}

async function save() {
  const button = root.querySelector('[data-save]');
  const values = currentValues();
  const isNew = session.id === null;
  const body = bodyFor(values, session.initial);
  if (!isNew && !Object.keys(body).length) {
    message('info', html`${t('edit.nothingChanged')}`);
    return;
  }
  button.disabled = true;
  message('info');
  try {
    const result = isNew
      ? await request('POST', PATHS[session.kind], { body })
      : await request('PATCH', `${PATHS[session.kind]}/${session.id}`, { body, headers: { 'If-Match': session.etag } });
    const { kind } = session;
    close();
    markStale();
    state.set({ open: { kind, id: result.body.id } }, { history: 'push' });
  } catch (err) {
    session.values = values;
    showError(err);
  } finally {
    if (button.isConnected) button.disabled = false;
  }
}

async function reloadLatest() {
  const { kind, id } = session;
  try {
    const { item, etag } = await loadRecord(kind, id);
    Object.assign(session, { etag, name: item.name, initial: valuesOf(kind, item), values: valuesOf(kind, item) });
    render();
    message('info', html`${t('edit.reloaded')}`);
  } catch (err) {
    message('error', html`${err.message}`);
  }
}

function onGeometryButton(action) {
  if (action === 'undo') geom.undo();
  else if (action === 'clear') geom.clear();
  else if (action === 'fit') fitDrawn(17);
}

export function initEditor() {
  root = document.createElement('aside');
  root.id = 'editor';
  root.className = 'detail editor';
  root.hidden = true;
  document.body.append(root);
  root.addEventListener('submit', (e) => {
    e.preventDefault();
    if (session) save();
  });
  root.addEventListener('click', (e) => {
    if (e.target.closest('[data-cancel]')) close();
    else if (e.target.closest('[data-reload]')) reloadLatest();
    else if (e.target.closest('[data-geom]')) onGeometryButton(e.target.closest('[data-geom]').dataset.geom);
    else if (e.target.closest('[data-policy-add]')) changePolicies(root.querySelector('form'));
    else if (e.target.closest('[data-policy-remove]')) {
      changePolicies(root.querySelector('form'), Number(e.target.closest('[data-policy-remove]').dataset.policyRemove));
    }
  });
  root.addEventListener('input', (e) => { if (e.target.name === 'area_mu') e.target.dataset.touched = '1'; });
  root.addEventListener('change', (e) => {
    // Another kind of carrier has other fields and another geometry: keep what was typed.
    if (e.target.name === 'kind' && session?.id === null) {
      session.values = { ...currentValues(), kind: e.target.value, geometry: null };
      session.carrierKind = e.target.value;
      render();
    }
  });
  state.subscribe((s, changed) => {
    if (changed.has('lang') && session) {
      session.values = currentValues();
      render();
    }
  });
}

/** Close the editor (e.g. on signing out). */
export function closeEditor() {
  if (root && !root.hidden) close();
}
