// A project's monthly reports with their versions (调度记录): each month as it stands (its
// version, who filed it, who corrected it, when and why) and, under it, every earlier version
// the corrections replaced, as the API keeps them (reports[].earlier). Read only.
import { getJSON } from '../api.js';
import { t } from '../i18n.js';
import { dateTime, num } from '../format.js';
import { html, setHtml } from '../html.js';

// The values of a report a version shows, in this order.
const VALUES = ['investment_month_wan', 'investment_total_wan', 'funds_arrived_wan', 'progress_pct', 'progress', 'problems',
  'coordination_dept'];

function valuesHtml(values) {
  return html`<dl class="ed-profile rh-values">${VALUES.filter((k) => values[k] !== null && values[k] !== undefined).map((k) =>
    html`<dt>${t(`rh.${k}`)}</dt><dd data-rh-value="${k}">${typeof values[k] === 'number' ? num(values[k], k === 'progress_pct' ? 0 : 2) : values[k]}</dd>`)}</dl>`;
}

function versionHtml(v) {
  return html`<li data-rh-version="${v.version}"><b>${t('rh.version', { n: v.version })}</b>
    <small class="muted">${t('rh.replaced', { by: v.replaced_by, at: dateTime(v.replaced_at) })}${v.reason ? html` · ${v.reason}` : ''}</small>
    ${valuesHtml(v.content)}</li>`;
}

function monthHtml(r) {
  const corrected = r.corrected_by
    ? html`<small class="muted" data-rh-corrected>${t('rh.corrected', { by: r.corrected_by, at: dateTime(r.corrected_at) })}${r.correction_reason ? html` · ${r.correction_reason}` : ''}</small>`
    : '';
  return html`<li data-rh-month="${r.month.slice(0, 7)}"><h4>${r.month.slice(0, 7)}
      <span class="muted">${t('rh.version', { n: r.version })} · ${r.closed ? t('rh.closed') : t('rh.open')}</span></h4>
    <small class="muted">${t('rh.filed', { by: r.filed_by, at: dateTime(r.filed_at) })}</small>${corrected}
    ${valuesHtml(r)}
    ${r.earlier.length ? html`<details class="rh-earlier" open><summary>${t('rh.earlier', { n: r.earlier.length })}</summary>
      <ol class="tv-list">${[...r.earlier].reverse().map(versionHtml)}</ol></details>` : ''}</li>`;
}

/** Open the reports of `row` (a project of the list). */
export async function showReportHistory(row) {
  const reports = await getJSON(`/api/v1/projects/${row.id}/reports`);
  const dialog = document.createElement('dialog');
  dialog.className = 'wb-dialog tv-dialog';
  const close = () => { dialog.close(); dialog.remove(); };
  setHtml(dialog, html`<div class="wb-dialog-form" data-report-history="${row.id}">
    <h3>${t('rh.title', { name: row.name })}</h3>
    ${reports.length ? html`<ol class="rh-months">${[...reports].reverse().map(monthHtml)}</ol>` : html`<p class="muted">${t('rh.none')}</p>`}
    <div class="wb-dialog-actions"><button type="button" class="btn" data-rh-close>${t('share.close')}</button></div></div>`);
  document.body.append(dialog);
  dialog.querySelector('[data-rh-close]').addEventListener('click', close);
  dialog.addEventListener('cancel', close);
  dialog.showModal();
}
