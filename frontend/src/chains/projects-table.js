// The key project list (重点项目): filtered and sorted by the server, worst status first; from
// a row an officer files the monthly report (月度调度) or moves the project a stage on. The
// server checks everything (one report per month, the cumulative never falls, scope) and its
// refusal is shown as it words it.
import { getJSON, isAbort, query, request } from '../api.js';
import { codeLabel, t } from '../i18n.js';
import { num } from '../format.js';
import { html, setHtml } from '../html.js';
import { codes } from '../views/targets.js';
import { projectRow } from '../views/projects.js';
import { field, formDialog, numbers, textArea } from './form-dialog.js';
import { withSkip } from './signing.js';
import { showReportHistory } from './report-history.js';

const LIMIT = 1000;
const NEXT = { signed: 'started', started: 'producing', producing: 'full' };
let root;
let filters = {};
let list = { status: 'idle', rows: [] };
let message = null;
let controller = null;

function select(key, items) {
  return html`<select data-pfilter="${key}"><option value="">${t('filters.any')}</option>${items.map(([v, label]) =>
    html`<option value="${v}" ${String(v) === String(filters[key] ?? '') ? 'selected' : ''}>${label}</option>`)}</select>`;
}

function render() {
  const href = (format) => `/api/v1/projects/export?${query({ format, ...filters, sort: 'status' })}`;
  setHtml(root, html`<form class="wb-controls" autocomplete="off">
      <label><span>${t('projects.col.status')}</span>${select('status', codes('project_status'))}</label>
      <label><span>${t('projects.col.stage')}</span>${select('stage', codes('project_stage'))}</label>
      <label><span>${t('projects.level')}</span>${select('level', codes('project_level'))}</label>
      <label><span>${t('projects.search')}</span><input data-pfilter="q" type="search" value="${filters.q ?? ''}"></label>
    </form>
    <div class="tt-bar"><span>${list.status === 'ready' ? t('projects.count', { n: num(list.rows.length, 0) }) : ''}</span>
      <span class="tt-export">${t('targets.export')}
        <a class="btn btn-small" download href="${href('xlsx')}">XLSX</a><a class="btn btn-small" download href="${href('csv')}">CSV</a></span></div>
    ${message ? html`<p class="tt-message is-${message.kind}" role="status" data-pt-message>${message.text}</p>` : ''}
    <div class="tt-scroll">${body()}</div>`);
}

function body() {
  if (list.status === 'error') return html`<p class="list-state is-error">${t('list.error', { msg: list.error })}</p>`;
  if (list.status !== 'ready') return html`<p class="list-state"><span class="spinner"></span>${t('list.loading')}</p>`;
  if (!list.rows.length) return html`<p class="list-state">${t('list.empty')}</p>`;
  return html`<table class="tt-table" data-projects-table><thead><tr>
    ${['name', 'status', 'stage', 'investment', 'next', 'actions'].map((k) => html`<th>${t(`projects.col.${k}`)}</th>`)}
    </tr></thead><tbody>${list.rows.map(projectRow)}</tbody></table>`;
}

async function load() {
  controller?.abort();
  controller = new AbortController();
  list = { ...list, status: 'loading' };
  render();
  try {
    const page = await getJSON(`/api/v1/projects?${query({ ...filters, sort: 'status', limit: LIMIT })}`, { signal: controller.signal });
    // Red, amber, green, closed: the server sorts by the code's order, the page by urgency.
    const rank = { red: 0, amber: 1, green: 2, closed: 3 };
    list = { status: 'ready', rows: page.items.sort((a, b) => rank[a.status] - rank[b.status]) };
  } catch (err) {
    if (isAbort(err)) return;
    list = { status: 'error', rows: [], error: err.message };
  }
  render();
}

// A month already reported is changed (PUT) rather than filed again: while it is open by its
// officers; once closed by an admin or a leader, with the reason (the server keeps every version).
async function fileReport(row) {
  const month = new Date(Date.now() - 20 * 86400000).toISOString().slice(0, 7);
  const filed = new Set((await getJSON(`/api/v1/projects/${row.id}/reports`)).map((r) => r.month.slice(0, 7)));
  const values = await formDialog(t('report.title', { name: row.name }), html`
    ${field('month', t('report.month'), { type: 'month', required: true, value: month })}
    ${field('investment_month_wan', t('report.month_wan'), { type: 'number', required: true, step: '0.01', min: 0 })}
    ${field('investment_total_wan', t('report.total_wan'), { type: 'number', required: true, step: '0.01', min: 0,
      value: row.investment_reported_wan ?? '' })}
    ${field('funds_arrived_wan', t('report.funds_wan'), { type: 'number', step: '0.01', min: 0 })}
    ${field('progress_pct', t('report.pct'), { type: 'number', min: 0, max: 100 })}
    ${textArea('progress', t('report.progress'))}
    ${textArea('problems', t('report.problems'))}
    ${field('coordination_dept', t('report.dept'))}
    ${textArea('reason', t('report.reason'))}`, { note: filed.size ? t('report.filed', { months: [...filed].join('、') }) : '' });
  if (!values) return;
  const sent = numbers(values, ['investment_month_wan', 'investment_total_wan', 'funds_arrived_wan', 'progress_pct']);
  const { month: chosen, ...rest } = sent;
  const { body: updated } = filed.has(chosen)
    ? await request('PUT', `/api/v1/projects/${row.id}/reports/${chosen}`, { body: rest })
    : await request('POST', `/api/v1/projects/${row.id}/reports`, { body: sent });
  list.rows = list.rows.map((r) => (r.id === row.id ? updated : r));
  message = { kind: 'ok', text: t(filed.has(chosen) ? 'report.changed' : 'report.done', { name: row.name, month: chosen }) };
}

async function advance(row) {
  const to = NEXT[row.stage] ?? NEXT[row.started_on ? 'started' : 'signed'];
  const values = await formDialog(t('projects.advanceTitle', { name: row.name }),
    field('on', t('projects.on'), { type: 'date', required: true, value: new Date().toISOString().slice(0, 10) }));
  if (!values) return;
  const answer = await withSkip((extra) => request('POST', `/api/v1/projects/${row.id}/transitions`, { body: { to, on: values.on, ...extra } }));
  if (answer) {
    list.rows = list.rows.map((r) => (r.id === row.id ? answer.body : r));
    message = { kind: 'ok', text: t('targets.moved', { name: row.name, stage: codeLabel('project_stage', to) }) };
  }
}

export function initProjectsTable(element) {
  root = element;
  root.addEventListener('submit', (e) => e.preventDefault());
  root.addEventListener('change', (e) => {
    const key = e.target.dataset.pfilter;
    if (!key) return;
    if (e.target.value.trim()) filters[key] = e.target.value.trim();
    else delete filters[key];
    message = null;
    load();
  });
  root.addEventListener('click', async (e) => {
    const report = e.target.closest('[data-report-for]');
    const step = e.target.closest('[data-advance-for]');
    const history = e.target.closest('[data-history-for]');
    const button = report ?? step ?? history;
    const row = button && list.rows.find((r) => r.id === Number(button.dataset.reportFor ?? button.dataset.advanceFor
      ?? button.dataset.historyFor));
    if (!row) return;
    try {
      if (history) {
        await showReportHistory(row);
        return;
      }
      if (report) await fileReport(row);
      else await advance(row);
    } catch (err) {
      message = { kind: 'error', text: err.message };
    }
    render();
  });
  load();
}

export function resetProjectsTable() {
  controller?.abort();
  filters = {};
  list = { status: 'idle', rows: [] };
  message = null;
  root = null;
}

export function renderProjectsTable() {
  if (root) render();
}
