// A target's own view (from the target list): its stage history and its dated activity log
// (calls, visits, meetings, with the names of attachments), and a form to record a new contact.
import { getJSON, request } from '../api.js';
import { codeLabel, t } from '../i18n.js';
import { date, dateTime } from '../format.js';
import { html, setHtml } from '../html.js';
import { codes } from '../views/targets.js';

function historyHtml(history) {
  return html`<ol class="tv-list" data-tv-history>${history.map((h) => html`<li>
    <b>${h.from_stage ? codeLabel('target_stage', h.from_stage) : '—'} → ${codeLabel('target_stage', h.to_stage)}</b>
    <small class="muted">${dateTime(h.changed_at)} · ${h.changed_by}${h.reason ? html` · ${h.reason}` : ''}</small></li>`)}</ol>`;
}

function activitiesHtml(log) {
  if (!log.length) return html`<p class="muted">${t('tv.noActivity')}</p>`;
  return html`<ol class="tv-list" data-tv-activities>${log.map((a) => html`<li>
    <b>${date(a.happened_on)} ${codeLabel('activity_kind', a.kind)}</b> ${a.summary}
    ${a.attachments.length ? html`<small class="muted">📎 ${a.attachments.join('、')}</small>` : ''}
    <small class="muted">${a.recorded_by}</small></li>`)}</ol>`;
}

function formHtml() {
  const today = new Date().toISOString().slice(0, 10);
  return html`<form class="wb-dialog-form tv-form" data-tv-form>
    <div class="tv-row"><label class="wb-field"><span>${t('tv.kind')}</span><select name="kind">
      ${codes('activity_kind').map(([v, label]) => html`<option value="${v}">${label}</option>`)}</select></label>
    <label class="wb-field"><span>${t('tv.date')}</span><input name="happened_on" type="date" required value="${today}"></label></div>
    <label class="wb-field"><span>${t('tv.summary')} *</span><textarea name="summary" rows="2" required maxlength="5000"></textarea></label>
    <label class="wb-field"><span>${t('tv.attachments')}</span><input name="attachments" placeholder="${t('tv.attachmentsHint')}"></label>
    <p class="tt-message is-error" data-tv-error hidden></p>
    <div class="wb-dialog-actions"><button type="button" class="btn" data-tv-close>${t('share.close')}</button>
      <button type="submit" class="btn btn-primary">${t('tv.add')}</button></div></form>`;
}

/** Open the view of `row` (a target of the list). */
export async function showTarget(row) {
  const dialog = document.createElement('dialog');
  dialog.className = 'wb-dialog tv-dialog';
  document.body.append(dialog);
  const close = () => { dialog.close(); dialog.remove(); };
  const render = (history, log) => {
    setHtml(dialog, html`<div class="wb-dialog-form" data-target-view="${row.id}">
      <h3><button type="button" class="link-button" data-open-enterprise="${row.enterprise_id}">${row.enterprise_name}</button></h3>
      <p class="muted">${row.chain_name} · ${row.link_name} · ${row.area_name}</p>
      <h4>${t('tv.history')}</h4>${historyHtml(history)}
      <h4>${t('tv.activities')}</h4>${activitiesHtml(log)}</div>${formHtml()}`);
    dialog.querySelector('[data-tv-close]').addEventListener('click', close);
    dialog.querySelector('[data-tv-form]').addEventListener('submit', async (e) => {
      e.preventDefault();
      const form = new FormData(e.target);
      const attachments = String(form.get('attachments') ?? '').split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean);
      const body = { kind: form.get('kind'), happened_on: form.get('happened_on'), summary: String(form.get('summary')).trim(), attachments };
      try {
        const { body: updated } = await request('POST', `/api/v1/targets/${row.id}/activities`, { body });
        render(history, updated);
      } catch (err) {
        const note = dialog.querySelector('[data-tv-error]');
        note.hidden = false;
        note.textContent = err.message;
      }
    });
  };
  dialog.addEventListener('cancel', close);
  const [history, log] = await Promise.all([getJSON(`/api/v1/targets/${row.id}/stages`),
    getJSON(`/api/v1/targets/${row.id}/activities`)]);
  render(history, log);
  dialog.showModal();
}
