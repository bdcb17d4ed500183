// What the staff buttons of the detail drawer do: edit, "new carrier in this park", and the
// record's history (its markup is views/staff.js).
import { getJSON } from '../api.js';
import { t } from '../i18n.js';
import { html, setHtml } from '../html.js';
import { historyHtml } from '../views/staff.js';
import { createRecord, editRecord } from './editor.js';

const COLLECTION = { park: 'parks', carrier: 'carriers' };

async function toggleHistory(root, kind, id, button) {
  const box = root.querySelector('[data-history]');
  const open = box.hidden;
  box.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  if (!open) return;
  setHtml(box, html`<h3>${t('staff.history')}</h3><p class="muted"><span class="spinner"></span>${t('detail.loading')}</p>`);
  try {
    const versions = await getJSON(`/api/v1/${COLLECTION[kind]}/${id}/history`);
    setHtml(box, html`<h3>${t('staff.history')}</h3>${historyHtml(versions)}`);
  } catch (err) {
    setHtml(box, html`<h3>${t('staff.history')}</h3><p class="list-state is-error">${err.message}</p>`);
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
