// The officers' inquiry inbox: a button in the top bar with the count of unread inquiries
// (refreshed every minute while signed in), a dialog with the list (all, new, overdue), one
// inquiry with its contact details (the server audits that reading) and its status moves.
import { getJSON, query, request } from './api.js';
import { t } from './i18n.js';
import { html, setHtml } from './html.js';
import { canWrite, isStaff, onAuthChange } from './auth.js';
import { inboxHtml, inquiryDetailHtml } from './views/inquiry.js';

const BADGE_EVERY_MS = 60000;
let button;
let dialog;
let timer = null;
let filter = 'all';
let openId = null;

async function refreshBadge() {
  if (!isStaff()) return;
  try {
    const counts = await getJSON('/api/v1/inquiries/badge');
    const label = t('inbox.badge', { n: counts.unread });
    setHtml(button, html`<span>${t('inbox.button')}</span>${counts.unread
      ? html`<span class="count-badge" data-inbox-count>${counts.unread}</span>` : ''}`);
    button.setAttribute('aria-label', `${t('inbox.title')} · ${label}`);
  } catch { /* the badge waits for the next round */ }
}

async function showList() {
  openId = null;
  const params = filter === 'new' ? { status: 'new' } : filter === 'overdue' ? { overdue: 'true' } : {};
  const page = await getJSON(`/api/v1/inquiries?${query({ ...params, limit: 100 })}`);
  setHtml(dialog, inboxHtml(page, filter));
  if (!dialog.open) dialog.showModal();
  dialog.querySelector(`[data-inbox-filter="${filter}"]`)?.focus();
}

async function showOne(id) {
  openId = id;
  const found = await getJSON(`/api/v1/inquiries/${id}`);
  setHtml(dialog, inquiryDetailHtml(found, { mayWrite: canWrite() }));
  dialog.querySelector('[data-inbox-back]')?.focus();
  refreshBadge();
}

async function move(to) {
  const reason = dialog.querySelector('[data-close-reason]')?.value.trim();
  const body = to === 'closed' ? { to, reason: reason || null } : { to };
  try {
    await request('POST', `/api/v1/inquiries/${openId}/transitions`, { body });
    await showOne(openId);
  } catch (err) {
    const box = dialog.querySelector('[data-inbox-error]');
    box.textContent = err.message;
    box.hidden = false;
  }
}

async function saveAddress(form) {
  const email = new FormData(form).get('email').trim() || null;
  const status = form.querySelector('[data-notify-status]');
  try {
    await request('PUT', '/api/v1/inquiries/notify-address', { body: { email } });
    status.textContent = t('inbox.saved');
  } catch (err) {
    status.textContent = err.message;
  }
}

function follow() {
  clearInterval(timer);
  button.hidden = !isStaff();
  if (isStaff()) {
    refreshBadge();
    timer = setInterval(refreshBadge, BADGE_EVERY_MS);
  } else if (dialog.open) dialog.close();
}

export function initInbox() {
  button = document.createElement('button');
  button.type = 'button';
  button.className = 'btn-ghost inbox-btn';
  button.id = 'inbox-btn';
  button.hidden = true;
  document.querySelector('#user-area').before(button);
  dialog = document.createElement('dialog');
  dialog.className = 'share-dialog inbox-dialog';
  dialog.setAttribute('aria-labelledby', 'inbox-title');
  document.body.append(dialog);
  button.addEventListener('click', () => showList());
  dialog.addEventListener('close', () => button.focus());
  dialog.addEventListener('submit', (e) => {
    e.preventDefault();
    saveAddress(e.target);
  });
  dialog.addEventListener('click', (e) => {
    const el = (sel) => e.target.closest(sel);
    if (el('[data-inbox-close]')) dialog.close();
    else if (el('[data-inbox-back]')) showList();
    else if (el('[data-inbox-filter]')) {
      filter = el('[data-inbox-filter]').dataset.inboxFilter;
      showList();
    } else if (el('[data-inquiry-open]')) showOne(Number(el('[data-inquiry-open]').dataset.inquiryOpen));
    else if (el('[data-inquiry-move]')) move(el('[data-inquiry-move]').dataset.inquiryMove);
  });
  onAuthChange(follow);
  follow();
}
