// The investment inquiry of a visitor: the form opened from a park's or a carrier's drawer (any
// element with data-inquire="park:12" or "carrier:34" and data-inquire-name; from the site
// selection's comparison or match results, about the carriers chosen there), the receipt with
// the private status link, and that link's status page (#inquiry=<token>: a fragment, so the
// token never reaches a server log or a Referer header).
import { getJSON, request } from './api.js';
import { t } from './i18n.js';
import { setHtml } from './html.js';
import { inquiryForm, receiptHtml, statusHtml } from './views/inquiry.js';

const STATUS_HASH = /^#inquiry=([A-Za-z0-9_-]{16,64})$/;
// Read when the module loads: the page rewrites its address from its state once the map is up.
const ARRIVED_WITH = window.location.hash;
let dialog;
let item = null; // {kind: 'park' | 'carrier', id, name} or {kind: 'carriers', ids, name, origin}
let opener = null; // the element focus returns to when the dialog closes

function show(content) {
  setHtml(dialog, content);
  if (!dialog.open) dialog.showModal();
  dialog.querySelector('input:not([tabindex="-1"]), button[data-copy-link], button')?.focus();
}

export async function openInquiry(target) {
  item = target;
  opener = document.activeElement;
  let consent = null;
  try {
    consent = await getJSON('/api/v1/inquiries/consent');
  } catch { /* the form still says what the checkbox means; the server refuses nothing for it */ }
  show(inquiryForm(item, consent));
}

function number(value) {
  return value === '' ? null : Number(value);
}

function bodyOf(form) {
  const data = new FormData(form);
  const value = (name) => String(data.get(name) ?? '').trim() || null;
  const about = item.kind === 'carriers' ? { carrier_ids: item.ids, origin: item.origin }
    : { [item.kind === 'park' ? 'park_id' : 'carrier_id']: item.id };
  return {
    ...about,
    company: value('company') ?? '',
    contact_person: value('contact_person') ?? '',
    phone: value('phone'),
    email: value('email'),
    uscc: value('uscc'),
    industry: value('industry'),
    investment_wan: number(String(data.get('investment_wan') ?? '')),
    area_mu: number(String(data.get('area_mu') ?? '')),
    timeline: value('timeline'),
    message: value('message'),
    consent: data.get('consent') === 'on',
    language: document.documentElement.lang === 'en' ? 'en' : 'zh',
    website: value('website'),
  };
}

function showErrors(form, err) {
  form.querySelectorAll('.field').forEach((f) => {
    f.classList.remove('has-error');
    const p = f.querySelector('.field-error');
    if (p) p.hidden = true;
  });
  const details = err.body?.error?.details ?? [];
  const zh = document.documentElement.lang !== 'en';
  let first = null;
  details.forEach((d) => {
    const box = form.querySelector(`[data-field="${CSS.escape(d.field)}"]`);
    if (!box) return;
    box.classList.add('has-error');
    const p = box.querySelector('.field-error');
    p.textContent = zh ? d.problem_zh : d.problem;
    p.hidden = false;
    first ??= box.querySelector('input, select, textarea');
  });
  const general = form.querySelector('[data-inquiry-error]');
  general.textContent = first ? '' : err.message;
  general.hidden = Boolean(first);
  (first ?? general).focus?.();
}

async function submit(form) {
  const button = form.querySelector('[data-inquiry-submit]');
  button.disabled = true;
  button.textContent = t('inquiry.sending');
  try {
    const { body } = await request('POST', '/api/v1/inquiries', { body: bodyOf(form) });
    show(receiptHtml(body, new URL(body.status_path, window.location.origin).href));
  } catch (err) {
    button.disabled = false;
    button.textContent = t('inquiry.submit');
    showErrors(form, err);
  }
}

async function showStatus(token) {
  opener = document.activeElement;
  let found = null;
  try {
    found = await getJSON(`/api/v1/inquiries/status/${token}`);
  } catch { /* shown as "not found" */ }
  show(statusHtml(found));
}

export function initInquiry() {
  dialog = document.createElement('dialog');
  dialog.className = 'share-dialog inquiry-dialog';
  dialog.id = 'inquiry-dialog';
  dialog.setAttribute('aria-labelledby', 'inquiry-title');
  document.body.append(dialog);
  document.addEventListener('click', (e) => {
    const button = e.target.closest('[data-inquire]');
    if (!button) return;
    const [kind, id] = button.dataset.inquire.split(':');
    openInquiry({ kind, id: Number(id), name: button.dataset.inquireName });
  });
  dialog.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(e.target);
  });
  dialog.addEventListener('click', async (e) => {
    if (e.target.closest('[data-inquiry-cancel]')) dialog.close();
    else if (e.target.closest('[data-copy-link]')) {
      const input = dialog.querySelector('[data-status-link]');
      input.select();
      let ok = true;
      try { await navigator.clipboard.writeText(input.value); } catch { ok = document.execCommand('copy'); }
      dialog.querySelector('[data-copy-status]').textContent = ok ? t('inquiry.copied') : '';
    }
  });
  // Focus goes back where it was (the drawer's button), as for every dialog of the page.
  dialog.addEventListener('close', () => opener?.focus?.());
  const match = STATUS_HASH.exec(ARRIVED_WITH);
  if (match) showStatus(match[1]);
}
