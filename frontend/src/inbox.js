// The officers' inquiry inbox: a button in the top bar with the count of unread inquiries and
// of overdue ones (what leaders, who receive none, watch; refreshed every minute while signed
// in), a dialog with the list (all, new, overdue), one inquiry with its contact details (the
// server audits that reading), its status moves and its conversion into a target.
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
    const label = [t('inbox.badge', { n: counts.unread }),
      counts.overdue ? t('inbox.overdueCount', { n: counts.overdue }) : ''].filter(Boolean).join(' · ');
    setHtml(button, html`<span>${t('inbox.button')}</span>${counts.unread
      ? html`<span class="count-badge" data-inbox-count>${counts.unread}</span>` : ''}${counts.overdue
      ? html`<span class="count-badge overdue" data-inbox-overdue title="${t('inbox.overdueCount', { n: counts.overdue })}">${counts.overdue}</span>` : ''}`);
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
  let chains = [];
  if (found.status === 'contacted' && canWrite()) {
    try {
      chains = (await getJSON('/api/v1/chains?limit=100')).items;
    } catch { /* the form shows no link to choose; the error of sending it says why */ }
  }
  setHtml(dialog, inquiryDetailHtml(found, { mayWrite: canWrite(), chains }));
  dialog.querySelector('[data-inbox-back]')?.focus();
  refreshBadge();
}

function showError(err) {
  const box = dialog.querySelector('[data-inbox-error]');
  const zh = document.documentElement.lang !== 'en';
  const details = (err.body?.error?.details ?? []).map((d) => `${d.field}: ${zh ? d.problem_zh : d.problem}`);
  box.textContent = [err.message, ...details].join('\n');
  box.hidden = false;
  box.focus?.();
}

async function convert(form) {
  const data = new FormData(form);
  const value = (name) => String(data.get(name) ?? '').trim();
  const body = { link_id: Number(value('link_id')) || null, priority: value('priority') };
  if (value('enterprise_id')) body.enterprise_id = Number(value('enterprise_id'));
  if (value('uscc')) body.uscc = value('uscc');
  if (value('lon') || value('lat')) body.location = { type: 'Point', coordinates: [Number(value('lon')), Number(value('lat'))] };
  try {
    await request('POST', `/api/v1/inquiries/${openId}/conversion`, { body });
    await showOne(openId);
  } catch (err) {
    showError(err);
  }
}

async function move(to) {
  const reason = dialog.querySelector('[data-close-reason]')?.value.trim();
  const body = to === 'closed' ? { to, reason: reason || null } : { to };
  try {
    await request('POST', `/api/v1/inquiries/${openId}/transitions`, { body });
    await showOne(openId);
  } catch (err) {
    showError(err);
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
    if (e.target.matches('[data-convert-form]')) convert(e.target);
    else saveAddress(e.target);
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
