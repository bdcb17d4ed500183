// What signed-in staff get in the detail drawer: the edit buttons (for writers whose regions
// hold the record), "new carrier in this park", and the record's history: who saved which
// version when, and which fields it changed.
import { getJSON } from '../api.js';
import { t } from '../i18n.js';
import { dateTime as when, esc } from '../format.js';
import { canWrite, isStaff, mayEditPark } from '../auth.js';
import { createRecord, editRecord } from './editor.js';

const COLLECTION = { park: 'parks', carrier: 'carriers' };
// Bookkeeping columns every version changes: not worth listing as "changed".
const QUIET = new Set(['row_version', 'updated_at']);

/** "未公开" for records the public cannot see (only staff ever get such records). */
export function draftBadge(item) {
  return item.published === false ? `<span class="badge draft" data-draft>${t('staff.draft')}</span>` : '';
}

/** The staff buttons of the drawer, or '' for the public. */
export function staffBar(kind, item) {
  if (!isStaff()) return '';
  const editable = kind === 'park' ? mayEditPark(item) : canWrite();
  return `<div class="staff-bar" data-staff-bar>
    ${editable ? `<button type="button" class="btn btn-small" data-staff="edit">${t('staff.edit')}</button>` : ''}
    ${editable && kind === 'park' ? `<button type="button" class="btn btn-small" data-staff="new-carrier">${t('staff.newCarrier')}</button>` : ''}
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

function historyHtml(versions) {
  if (!versions.length) return `<p class="muted">${t('staff.noHistory')}</p>`;
  const rows = versions.map((v, i) => ({ ...v, changed: changedFields(versions[i - 1]?.data, v.data) })).reverse();
  return `<ol class="history-list" data-history-list>${rows.map((v) => `<li data-version="${v.version}">
    <div><b>${t('staff.version', { n: v.version })}</b> <span class="muted">${esc(when(v.valid_from))}</span>
      ${v.valid_to ? '' : `<span class="badge">${t('staff.current')}</span>`}</div>
    <div class="history-who">${t('staff.by', { who: esc(actorName(v.actor) || t('detail.none')) })}</div>
    ${v.changed === null ? `<small class="muted">${t('staff.created')}</small>`
      : v.changed.length ? `<small class="muted">${t('staff.changed', { fields: esc(v.changed.join('、')) })}</small>` : ''}
  </li>`).join('')}</ol>`;
}

async function toggleHistory(root, kind, id, button) {
  const box = root.querySelector('[data-history]');
  const open = box.hidden;
  box.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  if (!open) return;
  box.innerHTML = `<h3>${t('staff.history')}</h3><p class="muted"><span class="spinner"></span>${t('detail.loading')}</p>`;
  try {
    const versions = await getJSON(`/api/v1/${COLLECTION[kind]}/${id}/history`);
    box.innerHTML = `<h3>${t('staff.history')}</h3>${historyHtml(versions)}`;
  } catch (err) {
    box.innerHTML = `<h3>${t('staff.history')}</h3><p class="list-state is-error">${esc(err.message)}</p>`;
  }
  box.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

/** A click on one of the staff buttons in the drawer `root` showing `current` ({kind, id, item}). */
export function onStaffAction(root, button, current) {
  const action = button.dataset.staff;
  if (action === 'edit') editRecord(current.kind, current.id);
  else if (action === 'new-carrier') createRecord('carrier', { parkId: current.id });
  else if (action === 'history') toggleHistory(root, current.kind, current.id, button);
}
