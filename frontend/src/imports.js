// The import page for staff who may write: choose what to import (carriers, parks and their
// boundaries, enterprises), a park and a file (GeoJSON, GeoPackage, zipped
// Shapefile, KML/KMZ, DXF, CSV, XLSX), preview what would be created, changed or refused (every
// problem by row, field and place), correct the coordinate system, text encoding or column mapping
// and preview again, then import: all rows in one transaction, or none. The server does all the
// reading and checking (app/exchange/); this page only sends the file and shows its report. A
// commit, and the preview of a large file, run as a background job: the page shows its progress
// (percentage, rows per second) and may cancel it, which leaves nothing written.
import { request } from './api.js';
import { getLang, t } from './i18n.js';
import { html, setHtml } from './html.js';
import { addMenuAction, onAuthChange } from './auth.js';

const SYSTEMS = ['wgs84', 'cgcs2000', 'gk38', 'gk39', 'gk114', 'gk117', 'webmercator', 'gcj02', 'bd09'];
const ROWS_SHOWN = 500;
// A file of thousands of rows is checked row by row against the database: minutes, not seconds.
const IMPORT_TIMEOUT_MS = 15 * 60 * 1000;
const WHAT = ['carriers', 'parks', 'enterprises'];
const BACKGROUND_BYTES = 5 * 1024 * 1024; // a preview of a larger file runs as a job too
const POLL_MS = 500;

let root = null;
let parks = [];
let report = null; // the last preview's report
let mapping = {}; // column → field chosen on the page (overrides)
let job = null; // the background job running, if any

const zh = () => getLang() === 'zh';
const problemText = (p) => (zh() ? p.problem_zh : p.problem);

function formHtml() {
  return html`<form class="admin-form import-form" data-import-form novalidate>
    <div class="form-message" data-form-message hidden></div>
    <div class="fields">
      <div class="field"><label class="field-label" for="imp-what">${t('import.what')}</label>
        <select id="imp-what" name="what">${WHAT.map((w) => html`<option value="${w}">${t(`import.what.${w}`)}</option>`)}</select></div>
      <div class="field"><label class="field-label" for="imp-park">${t('import.park')}</label>
        <select id="imp-park" name="park">${parks.map((p) => html`<option value="${p.id}">${p.name}</option>`)}
          <option value="">${t('import.parkNone')}</option></select></div>
      <div class="field"><label class="field-label" for="imp-file">${t('import.file')}</label>
        <input id="imp-file" name="file" type="file" accept=".geojson,.json,.gpkg,.zip,.kml,.kmz,.dxf,.csv,.xlsx">
        <small class="field-hint">${t('import.fileHint')}</small></div>
      <div class="field"><label class="field-label" for="imp-crs">${t('import.crs')}</label>
        <select id="imp-crs" name="crs"><option value="">${t('import.auto')}</option>
          ${SYSTEMS.map((c) => html`<option value="${c}">${t(`import.crs.${c}`)}</option>`)}</select></div>
      <div class="field"><label class="field-label" for="imp-encoding">${t('import.encoding')}</label>
        <select id="imp-encoding" name="encoding"><option value="">${t('import.auto')}</option>
          <option value="UTF-8">UTF-8</option><option value="GBK">GBK / GB18030</option></select></div>
    </div>
    <div class="import-actions">
      <button type="submit" class="btn" data-import-preview>${t('import.preview')}</button>
      <button type="button" class="btn btn-primary" data-import-commit disabled>${t('import.commit')}</button>
      <button type="button" class="btn" data-import-cancel hidden>${t('import.cancel')}</button>
    </div>
    <p class="import-progress" data-import-progress hidden></p>
  </form>
  <div data-import-report></div>`;
}

function mappingHtml(r) {
  return html`<details class="import-mapping" open><summary>${t('import.mapping')}</summary>
    <table class="admin-table"><thead><tr><th>${t('import.column')}</th><th>${t('import.field')}</th></tr></thead><tbody>
    ${r.columns.map((column) => {
      const current = Object.entries(r.mapping).find(([, c]) => c === column)?.[0] ?? '';
      return html`<tr><td>${column}</td><td><select data-map-column="${column}">
        <option value="">${t('import.ignore')}</option>
        ${r.fields.map((f) => html`<option value="${f}" ${f === current ? 'selected' : ''}>${f}</option>`)}</select></td></tr>`;
    })}</tbody></table></details>`;
}

function rowsHtml(r) {
  const shown = r.rows.filter((row) => row.action === 'error').concat(r.rows.filter((row) => row.action !== 'error'))
    .slice(0, ROWS_SHOWN);
  return html`<div class="table-wrap"><table class="admin-table" data-import-rows><thead><tr>
    <th>${t('import.row')}</th><th>${t('import.action')}</th><th>${t('import.code')}</th><th>${t('import.name')}</th>
    <th>${t('import.problems')}</th></tr></thead><tbody>
    ${shown.map((row) => html`<tr data-row="${row.row}" class="${row.action === 'error' ? 'is-error' : ''}">
      <td>${row.row}</td><td>${t(`import.action.${row.action}`)}</td><td>${row.code ?? ''}</td><td>${row.name ?? ''}</td>
      <td>${row.problems.map((p) => html`<div class="import-problem"><b>${p.column ?? p.field}</b>：${problemText(p)}
        ${p.location ? html` <code>${JSON.stringify(p.location)}</code>` : ''}</div>`)}</td></tr>`)}
    </tbody></table></div>`;
}

function reportHtml(r) {
  const c = r.counts;
  const how = t(`import.how.${r.crs.how}`);
  return html`<section class="import-report" data-import-summary>
    <p>${[r.format, r.encoding, `${zh() ? r.crs.name_zh : r.crs.name}（${how}）`].filter(Boolean).join(' · ')}</p>
    <p class="import-counts">${t('import.counts', { rows: c.rows, create: c.create, update: c.update, unchanged: c.unchanged, error: c.error })}</p>
    ${r.notes.map((n) => html`<p class="field-hint">${problemText(n)}</p>`)}
    ${r.committed ? html`<p class="form-message is-ok" data-import-done>${t('import.done')}</p>` : ''}
    ${mappingHtml(r)}${rowsHtml(r)}</section>`;
}

function message(text) {
  const box = root.querySelector('[data-form-message]');
  box.className = 'form-message is-error';
  box.textContent = text;
  box.hidden = !text;
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

function showProgress(j) {
  const line = root.querySelector('[data-import-progress]');
  line.hidden = !j;
  root.querySelector('[data-import-cancel]').hidden = !j;
  if (j) {
    line.textContent = t('import.progress', {
      step: t(j.step ? `import.step.${j.step}` : `import.status.${j.status}`), pct: Math.round(j.progress * 100), speed: Math.round(j.rows_per_s ?? 0),
    });
  }
}

// The job polled until it ends; its report (a refused commit's too), or a message of why none.
async function follow(started) {
  job = started;
  while (job && ['queued', 'running'].includes(job.status)) {
    showProgress(job);
    await sleep(POLL_MS);
    if (!job) break; // the page was closed
    job = (await request('GET', job.status_url)).body;
  }
  const ended = job;
  job = null;
  showProgress(null);
  if (!ended) return null;
  if (ended.status === 'cancelled') message(t('import.cancelled'));
  else if (ended.status === 'failed' && !ended.report) message(ended.error);
  return ended.report;
}

async function send(commit) {
  const form = root.querySelector('[data-import-form]');
  const file = form.querySelector('#imp-file').files[0];
  if (!file) { message(t('import.noFile')); return; }
  const data = new FormData(form);
  const what = data.get('what');
  const background = commit || file.size > BACKGROUND_BYTES;
  const params = new URLSearchParams({ name: file.name, commit: String(commit), background: String(background) });
  if (data.get('park') && what !== 'enterprises') params.set('park', data.get('park'));
  ['crs', 'encoding'].forEach((k) => { if (data.get(k)) params.set(k, data.get(k)); });
  if (Object.keys(mapping).length) params.set('mapping', JSON.stringify(mapping));
  message('');
  const out = root.querySelector('[data-import-report]');
  setHtml(out, html`<div class="list-state is-loading"><span class="spinner"></span><p>${t('list.loading')}</p></div>`);
  try {
    const answer = (await request('POST', `/api/v1/imports/${what}?${params}`, { body: file, timeout: IMPORT_TIMEOUT_MS })).body;
    report = background ? await follow(answer) : answer;
  } catch (err) {
    report = err.body?.report ?? null; // a refused commit still says which rows
    message(err.body?.error?.details?.length
      ? err.body.error.details.map((d) => `${d.field}: ${problemText(d)}`).join('\n') : err.message);
  }
  if (root.hidden) return;
  setHtml(out, report ? reportHtml(report) : html``);
  root.querySelector('[data-import-commit]').disabled = !report || report.committed || report.counts.error > 0;
}

async function cancel() {
  if (!job) return;
  try {
    job = (await request('POST', `${job.status_url}/cancel`)).body;
  } catch (err) {
    message(err.message); // it ended meanwhile: the poll shows how
  }
}

function render() {
  setHtml(root, html`<div class="admin-inner">
    <header class="admin-head"><h2>${t('import.title')}</h2>
      <button type="button" class="detail-close" data-import-close aria-label="${t('detail.close')}">×</button></header>
    <div class="admin-body">${formHtml()}</div></div>`);
}

async function openImport() {
  report = null;
  mapping = {};
  root.hidden = false;
  const { body } = await request('GET', '/api/v1/parks?limit=10000&sort=name');
  parks = body.items;
  render();
}

function closeImport() {
  job = null; // stop polling; a job keeps running on the server
  root.hidden = true;
  root.replaceChildren();
}

export function initImports() {
  root = document.createElement('section');
  root.id = 'imports';
  root.className = 'admin-page';
  root.setAttribute('role', 'dialog');
  root.setAttribute('aria-modal', 'true');
  root.hidden = true;
  document.body.append(root);
  root.addEventListener('click', (e) => {
    if (e.target.closest('[data-import-close]')) closeImport();
    else if (e.target.closest('[data-import-commit]')) send(true);
    else if (e.target.closest('[data-import-cancel]')) cancel();
  });
  root.addEventListener('submit', (e) => { e.preventDefault(); send(false); });
  root.addEventListener('change', (e) => {
    const select = e.target.closest('[data-map-column]');
    if (select) mapping[select.dataset.mapColumn] = select.value; // previewed again before a commit
    if (e.target.id === 'imp-what') { // parks and enterprises name their parks in the file
      mapping = {};
      root.querySelector('#imp-park').value = e.target.value === 'carriers' ? String(parks[0]?.id ?? '') : '';
    }
    if (select || e.target.closest('[data-import-form]')) root.querySelector('[data-import-commit]').disabled = true;
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !root.hidden) closeImport(); });
  addMenuAction('import', 'import.menu', (me) => ['officer', 'admin'].includes(me.role), openImport);
  onAuthChange(() => closeImport());
}
