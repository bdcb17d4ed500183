// The markup signed-in staff get in the detail drawer: the draft mark, the edit buttons (for
// writers whose regions hold the record) and the record's history: who saved which version
// when, and which fields it changed.
import { t } from '../i18n.js';
import { dateTime as when } from '../format.js';
import { html } from '../html.js';
import { canWrite, isStaff, mayEditPark } from '../auth.js';

// Bookkeeping columns every version changes: not worth listing as "changed".
const QUIET = new Set(['row_version', 'updated_at']);

/** "未公开" for records the public cannot see (only staff ever get such records). */
export function draftBadge(item) {
  return item.published === false ? html`<span class="badge draft" data-draft>${t('staff.draft')}</span>` : '';
}

/** The staff buttons of the drawer, or '' for the public. */
export function staffBar(kind, item) {
  if (!isStaff()) return '';
  const editable = kind === 'park' ? mayEditPark(item) : canWrite();
  return html`<div class="staff-bar" data-staff-bar>
    ${editable ? html`<button type="button" class="btn btn-small" data-staff="edit">${t('staff.edit')}</button>` : ''}
    ${editable && kind === 'park' ? html`<button type="button" class="btn btn-small" data-staff="new-carrier">${t('staff.newCarrier')}</button>` : ''}
    <button type="button" class="btn btn-small" data-staff="history" aria-expanded="false">${t('staff.history')}</button>
  </div>
  <section class="detail-section history" data-history hidden></section>`;
}

function actorName(actor) {
  return String(actor ?? '').replace(/^(user|key|cli):/, '');
}

function changedFields(previous, data) {
  if (!previous) return null;
  return Object.keys({ ...previous, ...data })
    .filter((k) => !QUIET.has(k) && JSON.stringify(previous[k]) !== JSON.stringify(data[k]));
}

/** The versions of a record (from /history, oldest first), newest first. */
export function historyHtml(versions) {
  if (!versions.length) return html`<p class="muted">${t('staff.noHistory')}</p>`;
  const rows = versions.map((v, i) => ({ ...v, changed: changedFields(versions[i - 1]?.data, v.data) })).reverse();
  return html`<ol class="history-list" data-history-list>${rows.map((v) => html`<li data-version="${v.version}">
    <div><b>${t('staff.version', { n: v.version })}</b> <span class="muted">${when(v.valid_from)}</span>
      ${v.valid_to ? '' : html`<span class="badge">${t('staff.current')}</span>`}</div>
    <div class="history-who">${t('staff.by', { who: actorName(v.actor) || t('detail.none') })}</div>
    ${v.changed === null ? html`<small class="muted">${t('staff.created')}</small>`
    : v.changed.length ? html`<small class="muted">${t('staff.changed', { fields: v.changed.join('、') })}</small>` : ''}
  </li>`)}</ol>`;
}
