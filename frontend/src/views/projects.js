// The markup of key projects (重点项目): a row of the project list with its schedule status
// (green / amber / red as the server computes it), and a status chip used by the dashboard.
import { codeLabel, t } from '../i18n.js';
import { date, num } from '../format.js';
import { html } from '../html.js';

export function statusChip(status) {
  return html`<span class="status-chip status-${status}">${codeLabel('project_status', status)}</span>`;
}

function reasons(row) {
  return (row.status_reasons ?? []).map((r) => t(`projects.reason.${r}`, { days: row.days_late ?? 0 })).join('；');
}

export function projectRow(row) {
  const reported = row.investment_reported_wan === null ? t('projects.noReport') : num(row.investment_reported_wan, 0);
  return html`<tr data-project-id="${row.id}" class="is-${row.status}">
    <td data-label="${t('projects.col.name')}"><b>${row.name}</b>
      <small class="muted">${row.enterprise_name} · ${row.park_name ?? row.region_name}${row.cluster_name ? html` · ${row.cluster_name}` : ''}</small></td>
    <td data-label="${t('projects.col.status')}">${statusChip(row.status)}<small class="muted">${reasons(row)}</small></td>
    <td data-label="${t('projects.col.stage')}">${codeLabel('project_stage', row.stage)}
      <small class="muted">${codeLabel('project_level', row.level)}</small></td>
    <td data-label="${t('projects.col.investment')}">${num(row.investment_wan, 0)}<small class="muted">${t('projects.reported')} ${reported}</small></td>
    <td data-label="${t('projects.col.next')}">${row.next_planned_on ? date(row.next_planned_on) : t('detail.none')}</td>
    <td data-label="${t('projects.col.actions')}"><button type="button" class="btn btn-small" data-report-for="${row.id}">${t('projects.file')}</button>
      <button type="button" class="btn btn-small" data-advance-for="${row.id}">${t('projects.advance')}</button>
      <button type="button" class="btn btn-small" data-history-for="${row.id}">${t('rh.open_button')}</button></td>
  </tr>`;
}
