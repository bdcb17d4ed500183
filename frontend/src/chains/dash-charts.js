// The dashboard's charts, drawn with Apache ECharts (only the parts used, bundled and loaded when
// the dashboard first opens: no CDN, and the map page does not carry it). The charts only repeat
// the numbers of the tables beside them, which screen readers read (hence aria-hidden).
import { getLang, t } from '../i18n.js';

let echarts = null;
const charts = new Map(); // element → chart

async function library() {
  echarts ??= await import('./echarts-parts.js');
  return echarts;
}

const STATUS_COLOURS = { green: '#2e7d32', amber: '#f9a825', red: '#c62828' };

function revenueOption(board) {
  const names = board.clusters.map((c) => c.name);
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
    xAxis: { type: 'value', name: t('chart.yi') },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 110, overflow: 'truncate' } },
    series: [
      { name: t('chart.revenue'), type: 'bar', data: board.clusters.map((c) => c.revenue?.value ?? null), itemStyle: { color: '#1565c0' } },
      { name: t('chart.target', { year: board.plan.year }), type: 'bar',
        data: board.clusters.map((c) => c.target_revenue_yi ?? null), itemStyle: { color: '#90caf9' } },
    ],
  };
}

function statusOption(board) {
  const rows = board.clusters.filter((c) => c.projects && c.projects.count);
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((c) => c.name), inverse: true, axisLabel: { width: 110, overflow: 'truncate' } },
    series: ['red', 'amber', 'green'].map((s) => ({
      name: t(`chart.status.${s}`), type: 'bar', stack: 'status', itemStyle: { color: STATUS_COLOURS[s] },
      data: rows.map((c) => c.projects.by_status[s] ?? 0),
    })),
  };
}

/** Draw the charts into the `[data-chart]` elements of `root` (revenue; status for staff). */
export async function drawCharts(root, board) {
  const lib = await library();
  disposeCharts();
  root.querySelectorAll('[data-chart]').forEach((el) => {
    const height = Math.max(160, 26 * (el.dataset.chart === 'status'
      ? board.clusters.filter((c) => c.projects && c.projects.count).length : board.clusters.length) + 48);
    el.style.height = `${height}px`;
    const chart = lib.init(el, null, { renderer: 'svg', locale: getLang() === 'zh' ? 'ZH' : 'EN' });
    chart.setOption(el.dataset.chart === 'status' ? statusOption(board) : revenueOption(board));
    charts.set(el, chart);
  });
}

export function disposeCharts() {
  charts.forEach((chart) => chart.dispose());
  charts.clear();
}

export function resizeCharts() {
  charts.forEach((chart) => chart.resize());
}
