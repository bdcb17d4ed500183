// The target list (目标清单): external enterprises the province is courting, in a table sorted
// and filtered by the server (so that the export buttons give exactly the rows on screen, in
// the same order). A stage is changed from the table; the server decides which moves are
// allowed and its refusal (409) is shown as it words it. A skip is confirmed with a reason when
// the server asks for one; 签约 asks for the signing data and creates the project (signing.js).
import { getJSON, isAbort, query, request } from '../api.js';
import { codeLabel, t } from '../i18n.js';
import { signTarget, withSkip } from './signing.js';
import { showTarget } from './target-view.js';
import { num } from '../format.js';
import { html, setHtml } from '../html.js';
import { codes, targetRow } from '../views/targets.js';

const LIMIT = 1000;
// Column: its header key and the API's sort field (null: not sortable).
const COLUMNS = [
  ['enterprise', 'enterprise_name'], ['priority', 'priority'], ['stage', 'stage'], ['owner', 'owner'],
  ['next', 'next_action_date'], ['park', null],
];
const FILTER_KEYS = ['chain', 'stage', 'priority', 'owner', 'overdue', 'q'];
// Set from the chain view: a link and an area, shown as a removable chip.
const SCOPE_KEYS = ['link', 'region', 'park', 'cluster'];

let root;
let filters = {};
let scopeLabel = '';
let sort = 'next_action_date';
let list = { status: 'idle', rows: [], total: 0 };
let message = null; // {kind: 'error'|'ok', text}
let chains = [];
const owners = new Set();
let controller = null;

function params() {
  return { ...filters, sort };
}

function exportHref(format) {
  return `/api/v1/targets/export?${query({ format, ...params() })}`;
}

function select(key, items, value) {
  return html`<select data-filter="${key}"><option value="">${t('filters.any')}</option>${items.map(([v, label]) =>
    html`<option value="${v}" ${String(v) === String(value ?? '') ? 'selected' : ''}>${label}</option>`)}</select>`;
}

function controlsHtml() {
  return html`<form class="wb-controls tt-filters" autocomplete="off">
    <label><span>${t('chain.chain')}</span>${select('chain', chains.map((c) => [c.id, c.name]), filters.chain)}</label>
    <label><span>${t('targets.stage')}</span>${select('stage', codes('target_stage'), filters.stage)}</label>
    <label><span>${t('targets.priority')}</span>${select('priority', codes('priority'), filters.priority)}</label>
    <label><span>${t('targets.owner')}</span><input data-filter="owner" list="tt-owners" value="${filters.owner ?? ''}">
      <datalist id="tt-owners">${[...owners].map((o) => html`<option value="${o}">`)}</datalist></label>
    <label><span>${t('targets.search')}</span><input data-filter="q" type="search" value="${filters.q ?? ''}"></label>
    <label class="tt-check"><input data-filter="overdue" type="checkbox" ${filters.overdue ? 'checked' : ''}>
      <span>${t('targets.onlyOverdue')}</span></label>
  </form>
  <div class="tt-bar">
    ${scopeLabel ? html`<button type="button" class="chip" data-clear-scope>${scopeLabel}<span aria-hidden="true">×</span></button>` : ''}
    <span class="tt-count" data-tt-count></span>
    <span class="tt-export">${t('targets.export')}
      <a class="btn btn-small" data-export="xlsx" download href="${exportHref('xlsx')}">XLSX</a>
      <a class="btn btn-small" data-export="csv" download href="${exportHref('csv')}">CSV</a></span>
  </div>
  <p class="tt-message" data-tt-message role="status" hidden></p>
  <div class="tt-scroll" data-tt-table></div>`;
}

function headerHtml() {
  return html`<tr>${COLUMNS.map(([key, field]) => {
    if (!field) return html`<th>${t(`targets.col.${key}`)}</th>`;
    const dir = sort === field ? 'ascending' : sort === `-${field}` ? 'descending' : 'none';
    return html`<th aria-sort="${dir}"><button type="button" class="tt-sort" data-sort="${field}">${t(`targets.col.${key}`)}
      <span class="tt-arrow" aria-hidden="true">${{ ascending: '▲', descending: '▼', none: '' }[dir]}</span></button></th>`;
  })}</tr>`;
}

function renderTable() {
  const box = root.querySelector('[data-tt-table]');
  const count = root.querySelector('[data-tt-count]');
  count.textContent = list.status === 'ready' ? t('targets.count', { n: num(list.total, 0) })
    + (list.total > list.rows.length ? ` ${t('targets.shown', { n: num(list.rows.length, 0) })}` : '') : '';
  const note = root.querySelector('[data-tt-message]');
  note.hidden = !message;
  note.textContent = message?.text ?? '';
  note.className = `tt-message is-${message?.kind ?? 'ok'}`;
  if (list.status === 'loading' || list.status === 'idle') {
    setHtml(box, html`<p class="list-state"><span class="spinner"></span>${t('list.loading')}</p>`);
  } else if (list.status === 'error') {
    setHtml(box, html`<p class="list-state is-error">${t('list.error', { msg: list.error })}</p>`);
  } else if (!list.rows.length) {
    setHtml(box, html`<p class="list-state">${t('list.empty')}</p>`);
  } else {
    setHtml(box, html`<table class="tt-table" data-targets-table><thead>${headerHtml()}</thead>
      <tbody>${list.rows.map(targetRow)}</tbody></table>`);
  }
  root.querySelectorAll('[data-export]').forEach((a) => { a.href = exportHref(a.dataset.export); });
}

async function load() {
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  list = { ...list, status: 'loading' };
  renderTable();
  try {
    const page = await getJSON(`/api/v1/targets?${query({ ...params(), limit: LIMIT, count: true })}`, { signal });
    page.items.forEach((r) => { if (r.owner) owners.add(r.owner); });
    list = { status: 'ready', rows: page.items, total: page.count };
  } catch (err) {
    if (isAbort(err)) return;
    list = { status: 'error', rows: [], total: 0, error: err.message };
  }
  renderTable();
}

function render() {
  setHtml(root, controlsHtml());
  renderTable();
}

/** Move a target to `to` through the transitions endpoint (signing: its own); the server words any refusal. */
async function move(id, to) {
  const row = list.rows.find((r) => r.id === id);
  let reason;
  if (to === 'dropped') {
    reason = window.prompt(t('targets.dropReason'))?.trim();
    if (!reason) {
      renderTable();
      return;
    }
  }
  try {
    if (to === 'signed') {
      const project = await signTarget(row);
      if (project) {
        const updated = await getJSON(`/api/v1/targets/${id}`);
        list.rows = list.rows.map((r) => (r.id === id ? updated : r));
        message = { kind: 'ok', text: t('sign.done', { name: project.name }) };
      }
      renderTable();
      return;
    }
    const answer = await withSkip((extra) => request('POST', `/api/v1/targets/${id}/transitions`,
      { body: { to, ...(reason ? { reason } : {}), ...extra } }));
    if (!answer) {
      renderTable();
      return;
    }
    list.rows = list.rows.map((r) => (r.id === id ? answer.body : r));
    message = { kind: 'ok', text: t('targets.moved', { name: row.enterprise_name, stage: codeLabel('target_stage', to) }) };
  } catch (err) {
    message = { kind: 'error', text: t('targets.moveFailed', { name: row.enterprise_name, msg: err.message }) };
  }
  renderTable();
}

function setFilter(key, value) {
  if (value === '' || value === false) delete filters[key];
  else filters[key] = value;
  message = null;
  load();
}

export async function initTargetsTable(element) {
  root = element;
  root.addEventListener('submit', (e) => e.preventDefault());
  root.addEventListener('change', (e) => {
    const el = e.target;
    if (el.dataset.stageFor) move(Number(el.dataset.stageFor), el.value);
    else if (el.dataset.filter) setFilter(el.dataset.filter, el.type === 'checkbox' ? el.checked : el.value.trim());
  });
  root.addEventListener('click', (e) => {
    const opened = e.target.closest('[data-open-target]');
    if (opened) {
      const row = list.rows.find((r) => r.id === Number(opened.dataset.openTarget));
      if (row) showTarget(row).catch((err) => { message = { kind: 'error', text: err.message }; renderTable(); });
    }
    const header = e.target.closest('[data-sort]');
    if (header) {
      sort = sort === header.dataset.sort ? `-${header.dataset.sort}` : header.dataset.sort;
      load();
    }
    if (e.target.closest('[data-clear-scope]')) {
      SCOPE_KEYS.forEach((k) => delete filters[k]);
      scopeLabel = '';
      render();
      load();
    }
  });
  render();
  try {
    chains = (await getJSON('/api/v1/chains?limit=100')).items;
  } catch { /* the chain filter stays empty; the list itself still loads */ }
  if (root !== element) return; // signed out meanwhile
  render();
  load();
}

/** Show the targets of a link in an area (from the chain view), replacing the chain and scope filters. */
export function showTargetsFor({ chain, linkName, areaName, ...scope }) {
  filters = Object.fromEntries(Object.entries(filters).filter(([k]) => FILTER_KEYS.includes(k) && k !== 'chain'));
  Object.assign(filters, { chain, ...scope });
  scopeLabel = `${linkName} · ${areaName}`;
  if (root) {
    render();
    load();
  }
}

/** Signed out: forget the list and its filters. */
export function resetTargetsTable() {
  controller?.abort();
  filters = {};
  scopeLabel = '';
  list = { status: 'idle', rows: [], total: 0 };
  message = null;
  owners.clear();
  root = null;
}

export function renderTargetsTable() {
  if (root) render();
}
