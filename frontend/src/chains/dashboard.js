// The cluster dashboard (产业集群看板) for leaders: the province against each 2028 goal of the
// plan, every cluster's latest revenue with its source and year (未填报 when no source gives
// one, never a made-up number), its projects by status, and the projects behind schedule (red
// first: the escalation list). Every figure is text in a table: readable on a phone and by a
// screen reader; the bars only repeat the numbers.
import { getJSON } from '../api.js';
import { codeLabel, getLang, t } from '../i18n.js';
import { num } from '../format.js';
import { html, setHtml } from '../html.js';
import { statusChip } from '../views/projects.js';
import { disposeCharts, drawCharts } from './dash-charts.js';

let root;
let board = null;
let error = null;

// Each table's numbers download as XLSX or CSV (the server reads them from the same dashboard).
const exports = (table) => html`<p class="dash-exports" data-dash-export="${table}">${t('dash.export')}
  ${['xlsx', 'csv'].map((f) => html` <a class="btn btn-small" href="/api/v1/dashboard/export?table=${table}&format=${f}"
    download data-export-format="${f}">${f.toUpperCase()}</a>`)}</p>`;

const missing = () => html`<span class="missing">${t('dash.missing')}</span>`;

function goalCard(goal) {
  const zh = getLang() === 'zh';
  const share = goal.achieved === null ? 0 : Math.min(100, (100 * goal.achieved) / goal.target);
  return html`<li class="goal" data-goal="${goal.key}">
    <span class="goal-name">${zh ? goal.zh : goal.en}</span>
    <span class="goal-figures"><b>${goal.achieved === null ? missing() : num(goal.achieved, 1)}</b>
      / ${goal.about ? (zh ? '约' : '~') : ''}${num(goal.target, 0)} ${goal.unit}</span>
    <progress class="goal-bar" max="100" value="${share.toFixed(1)}" aria-hidden="true"></progress>
    <small class="muted">${goal.gap === null ? goal.basis : html`${t('dash.gap')} ${num(goal.gap, 1)} ${goal.unit} · ${goal.basis}`}</small>
  </li>`;
}

function revenue(c) {
  if (!c.revenue) return missing();
  const r = c.revenue;
  const bound = r.qualifier === 'exact' ? '' : codeLabel('figure_qualifier', r.qualifier);
  return html`${bound}${num(r.value, 1)}<small class="muted">${r.year} · ${r.scope ?? ''} ${r.source}</small>`;
}

// A cluster against its own target: growth needed a year vs achieved, on track or behind.
function pathCell(c) {
  const p = c.path;
  if (!p) return missing();
  const pct = (v) => (v === null ? '—' : `${num(100 * v, 1)}%`);
  const verdict = p.on_track === null ? '' : html`<span class="path-verdict ${p.on_track ? 'is-on' : 'is-behind'}"
    data-on-track="${String(p.on_track)}">${t(p.on_track ? 'dash.onTrack' : 'dash.behindTarget')}</span>`;
  return html`${verdict}<small class="muted">${t('dash.path', { target: num(p.target, 0), year: p.target_year,
    needed: pct(p.growth_needed), achieved: pct(p.growth_achieved), from: p.base_year, to: p.latest_year })}</small>`;
}

function clusterRow(c) {
  const p = c.projects;
  return html`<tr data-cluster-id="${c.id}">
    <td data-label="${t('dash.col.cluster')}"><b>${c.name}</b><small class="muted">${codeLabel('cluster_tier', c.tier)}</small></td>
    <td data-label="${t('dash.col.revenue')}">${revenue(c)}</td>
    <td data-label="${t('dash.col.path')}" data-path>${pathCell(c)}</td>
    <td data-label="${t('dash.col.projects')}">${p ? num(p.count, 0) : '—'}</td>
    <td data-label="${t('dash.col.investment')}">${p ? num(p.investment_yi, 2) : '—'}</td>
    <td data-label="${t('dash.col.status')}">${p ? ['red', 'amber', 'green'].map((s) => (p.by_status[s]
      ? html`${statusChip(s)} ${p.by_status[s]} ` : '')) : '—'}</td>
  </tr>`;
}

function behindRow(p) {
  return html`<tr data-behind-id="${p.id}"><td data-label="${t('projects.col.name')}"><b>${p.name}</b>
    <small class="muted">${p.cluster_name ?? ''} · ${p.region_name}</small></td>
    <td data-label="${t('projects.col.status')}">${statusChip(p.status)}</td>
    <td data-label="${t('dash.col.why')}">${p.status_reasons.map((r) => t(`projects.reason.${r}`, { days: p.days_late ?? 0 })).join('；')}</td>
    <td data-label="${t('dash.col.leader')}">${p.leader ?? p.officer ?? t('detail.none')}</td></tr>`;
}

function render() {
  if (!root) return;
  if (error) {
    setHtml(root, html`<p class="list-state is-error">${t('list.error', { msg: error })}</p>`);
    return;
  }
  if (!board) {
    setHtml(root, html`<p class="list-state"><span class="spinner"></span>${t('list.loading')}</p>`);
    return;
  }
  const totals = board.projects;
  setHtml(root, html`<div class="dash" data-dashboard>
    <h3>${t('dash.goals', { year: board.plan.year })}</h3>
    <p class="muted">${board.plan.source}${board.revenue_year ? html` · ${t('dash.revenueYear', { year: board.revenue_year,
      n: board.clusters_reporting_revenue, of: board.cluster_count })}` : ''}</p>
    <ul class="goals">${board.plan.goals.map(goalCard)}</ul>
    ${exports('goals')}
    ${totals ? html`<p class="dash-totals">${t('dash.totals', { n: num(totals.count, 0), yi: num(totals.investment_yi, 2) })}
      ${['red', 'amber', 'green'].map((s) => html`${statusChip(s)} ${totals.by_status[s]} `)}</p>` : ''}
    <h3>${t('dash.clusters')}</h3>
    <figure class="dash-chart"><figcaption>${t('chart.revenueTitle', { year: board.plan.year })}</figcaption>
      <div data-chart="revenue" aria-hidden="true"></div></figure>
    ${totals ? html`<figure class="dash-chart"><figcaption>${t('chart.statusTitle')}</figcaption>
      <div data-chart="status" aria-hidden="true"></div></figure>` : ''}
    <div class="tt-scroll"><table class="tt-table dash-table" data-dash-clusters><thead><tr>
      ${['cluster', 'revenue', 'path', 'projects', 'investment', 'status'].map((k) => html`<th>${t(`dash.col.${k}`)}</th>`)}
    </tr></thead><tbody>${board.clusters.map(clusterRow)}</tbody></table></div>
    ${exports('clusters')}
    ${board.behind ? html`<h3>${t('dash.behind', { n: board.behind.length })}</h3>
      <div class="tt-scroll"><table class="tt-table" data-dash-behind><thead><tr>
      ${['name', 'status'].map((k) => html`<th>${t(`projects.col.${k}`)}</th>`)}<th>${t('dash.col.why')}</th><th>${t('dash.col.leader')}</th>
      </tr></thead><tbody>${board.behind.map(behindRow)}</tbody></table></div>${exports('behind')}` : ''}
  </div>`);
  drawCharts(root, board).catch((err) => { console.error(err); });
}

export async function initDashboard(element) {
  root = element;
  render();
  try {
    board = await getJSON('/api/v1/dashboard');
    error = null;
  } catch (err) {
    error = err.message;
  }
  render();
}

export function resetDashboard() {
  disposeCharts();
  root = null;
  board = null;
  error = null;
}

export function renderDashboard() {
  render();
}
