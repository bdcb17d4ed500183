// The admin page, over the map: users (list, create with role and regions, disable, reset the
// password to a new one-time one), API keys
// for partner systems (list, create, show the secret once, revoke) and the audit log (admins
// and leaders). Passwords and key secrets are in the server's answer to a create only: they
// are shown once here, with a copy button, and kept nowhere.
import { request } from './api.js';
import { getLang, t } from './i18n.js';
import { html, insertHtml, setHtml } from './html.js';
import { regionTree } from './data.js';
import { COLLECTIONS, auditRow, keyRow, regionLabel, userRow } from './views/admin.js';
import * as state from './state.js';
import { addMenuAction, isAdmin, onAuthChange, user } from './auth.js';

const AUDIT_PAGE = 50;
const CONFIRM_MS = 5000;

let root = null;
let tab = 'users';
let tree = [];
let once = null; // {kind: 'user'|'key'|'reset', id, secret}: the secret just created
let picked = { user: [], key: [] }; // regions chosen in the create forms

function tabsFor(me) {
  return me.role === 'admin' ? ['users', 'keys', 'audit'] : me.role === 'leader' ? ['audit'] : [];
}

/** The regions picked in a create form, each a button that removes it. */
function regionChipButtons(which) {
  return html`${picked[which].map((a) => html`<button type="button" class="chip" data-region-remove="${which}:${a}">
    ${regionLabel(a)}<span aria-hidden="true">×</span></button>`)}`;
}

function regionPicker(which) {
  const options = tree.map((city) => html`<optgroup label="${city.name}">
    <option value="${city.adcode}">${city.name}（${t('filters.wholeCity')}）</option>
    ${city.counties.map((c) => html`<option value="${c.adcode}">${c.name}</option>`)}</optgroup>`);
  return html`<div class="field" data-field="region_adcodes"><span class="field-label">${t('admin.regions')}</span>
    <div class="region-picker"><select data-region-select="${which}"><option value="">${t('field.choose')}</option>${options}</select>
      <button type="button" class="btn btn-small" data-region-add="${which}">${t('admin.add')}</button></div>
    <div class="chips" data-region-chips="${which}">${regionChipButtons(which)}</div>
    <small class="field-hint">${t(which === 'user' ? 'admin.regionsHintUser' : 'admin.regionsHintKey')}</small>
    <p class="field-error" hidden></p></div>`;
}

function secretBox() {
  if (!once) return '';
  return html`<div class="secret-once" data-secret-once>
    <p><b>${t({ key: 'admin.keyCreated', user: 'admin.userCreated', reset: 'admin.passwordReset' }[once.kind])}</b>
      ${t('admin.shownOnce')}</p>
    <div class="share-row"><input readonly value="${once.secret}" data-secret aria-label="secret">
      <button type="button" class="btn btn-primary" data-copy>${t('admin.copy')}</button></div>
    <p class="share-status" data-copy-status></p>
    <button type="button" class="btn btn-small" data-secret-done>${t('admin.secretDone')}</button>
  </div>`;
}

function field(name, label, inner, hint = '') {
  return html`<div class="field" data-field="${name}"><label class="field-label" for="a-${name}">${t(label)}</label>${inner}
    ${hint ? html`<small class="field-hint">${t(hint)}</small>` : ''}<p class="field-error" hidden></p></div>`;
}

/** The create form of a user or a key: its fields, a place for the server's message, a submit button. */
function createForm(which, titleKey, submitKey, fieldsHtml) {
  return html`<form class="admin-form" data-create="${which}" novalidate autocomplete="off">
    <h3>${t(titleKey)}</h3>
    <div class="form-message" data-form-message hidden></div>
    <div class="fields">${fieldsHtml}</div>
    <button type="submit" class="btn btn-primary">${t(submitKey)}</button>
  </form>`;
}

function usersHtml(users) {
  const self = user().name.replace(/^user:/, '');
  const rows = users.map((u) => userRow(u, self));
  return html`${secretBox()}
  ${createForm('user', 'admin.newUser', 'admin.createUser', html`
      ${field('username', 'admin.username', html`<input id="a-username" name="username" autocapitalize="off">`, 'admin.usernameHint')}
      ${field('display_name', 'admin.displayName', html`<input id="a-display_name" name="display_name">`)}
      ${field('role', 'admin.role', html`<select id="a-role" name="role">${['officer', 'leader', 'admin'].map((r) =>
        html`<option value="${r}">${t(`role.${r}`)}</option>`)}</select>`)}
      ${regionPicker('user')}
      ${field('password', 'admin.password', html`<input id="a-password" name="password" type="text" autocomplete="new-password">`, 'admin.passwordHint')}`)}
  <div class="table-wrap"><table class="admin-table" data-users><thead><tr><th>${t('admin.user')}</th><th>${t('admin.role')}</th>
    <th>${t('admin.regions')}</th><th>${t('admin.state')}</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function keysHtml(keys) {
  const rows = keys.map(keyRow);
  return html`${secretBox()}
  ${createForm('key', 'admin.newKey', 'admin.createKey', html`
      ${field('name', 'admin.keyName', html`<input id="a-name" name="name">`, 'admin.keyNameHint')}
      <div class="field" data-field="collections"><span class="field-label">${t('admin.collections')}</span>
        <div class="checks">${COLLECTIONS.map((c) => html`<label class="check"><input type="checkbox" name="collections" value="${c}"
          ${c === 'parks' || c === 'carriers' ? 'checked' : ''}><span>${t(`admin.collection.${c}`)}</span></label>`)}</div>
        <p class="field-error" hidden></p></div>
      ${field('access', 'admin.access', html`<select id="a-access" name="access"><option value="read">${t('admin.readOnly')}</option>
        <option value="write">${t('admin.readWrite')}</option></select>`)}
      ${regionPicker('key')}
      ${field('expires_at', 'admin.expires', html`<input id="a-expires_at" name="expires_at" type="date">`, 'admin.expiresHint')}`)}
  <div class="table-wrap"><table class="admin-table" data-keys><thead><tr><th>${t('admin.keyName')}</th><th>${t('admin.collections')}</th>
    <th>${t('admin.regions')}</th><th>${t('admin.expires')}</th><th>${t('admin.state')}</th><th></th></tr></thead>
    <tbody>${rows.length ? rows : html`<tr><td colspan="6" class="muted">${t('admin.noKeys')}</td></tr>`}</tbody></table></div>`;
}

function auditHtml(page) {
  const rows = page.items.map(auditRow);
  return html`<form class="audit-filter" data-audit-filter>
      <label><span>${t('audit.table')}</span><select name="table"><option value="">${t('filters.any')}</option>
        ${['parks', 'carriers', 'clusters', 'users', 'api_keys'].map((n) => html`<option value="${n}">${n}</option>`)}</select></label>
      <label><span>${t('audit.actor')}</span><input name="actor" placeholder="user:alice"></label>
      <label><span>${t('audit.recordId')}</span><input name="record_id" inputmode="numeric"></label>
      <button type="submit" class="btn">${t('audit.search')}</button></form>
    <div class="table-wrap"><table class="admin-table" data-audit-table><thead><tr><th>${t('audit.at')}</th><th>${t('audit.actor')}</th>
      <th>${t('audit.action')}</th><th>${t('audit.record')}</th><th>${t('audit.fields')}</th></tr></thead>
      <tbody>${rows.length ? rows : html`<tr><td colspan="5" class="muted">${t('audit.none')}</td></tr>`}</tbody></table></div>`;
}

let auditFilter = {};

async function load() {
  const body = root.querySelector('[data-admin-body]');
  setHtml(body, html`<div class="list-state is-loading"><span class="spinner"></span><p>${t('list.loading')}</p></div>`);
  try {
    if (tab === 'users') setHtml(body, usersHtml((await request('GET', '/api/v1/admin/users')).body));
    else if (tab === 'keys') setHtml(body, keysHtml((await request('GET', '/api/v1/admin/keys')).body));
    else {
      const q = new URLSearchParams({ limit: AUDIT_PAGE, ...Object.fromEntries(Object.entries(auditFilter).filter(([, v]) => v)) });
      setHtml(body, auditHtml((await request('GET', `/api/v1/audit?${q}`)).body));
      Object.entries(auditFilter).forEach(([k, v]) => { const el = body.querySelector(`[name=${k}]`); if (el) el.value = v; });
    }
  } catch (err) {
    setHtml(body, html`<div class="list-state is-error"><p>${err.message}</p></div>`);
  }
}

function render() {
  const tabs = tabsFor(user());
  if (!tabs.includes(tab)) [tab] = tabs;
  setHtml(root, html`<div class="admin-inner">
    <header class="admin-head"><h2>${t(isAdmin() ? 'admin.title' : 'audit.title')}</h2>
      <nav class="tabs admin-tabs" role="tablist">${tabs.map((id) => html`<button type="button" role="tab" data-admin-tab="${id}"
        class="${id === tab ? 'is-active' : ''}" aria-selected="${id === tab}">${t(`admin.tab.${id}`)}</button>`)}</nav>
      <button type="button" class="detail-close" data-admin-close aria-label="${t('detail.close')}">×</button></header>
    <div class="admin-body" data-admin-body></div></div>`);
  load();
}

export function openAdmin(which) {
  if (!tabsFor(user()).length) return;
  if (which) tab = which;
  once = null;
  root.hidden = false;
  render();
}

function closeAdmin() {
  once = null;
  picked = { user: [], key: [] };
  root.hidden = true;
  root.replaceChildren();
}

function formMessage(form, text) {
  const box = form.querySelector('[data-form-message]');
  box.className = 'form-message is-error';
  box.textContent = text;
  box.hidden = !text;
}

async function create(form) {
  const which = form.dataset.create;
  const data = new FormData(form);
  const text = (name) => String(data.get(name) ?? '').trim();
  const body = which === 'user'
    ? { username: text('username'), display_name: text('display_name'), role: text('role'), region_adcodes: picked.user,
      ...(text('password') ? { password: text('password') } : {}) }
    : { name: text('name'), collections: data.getAll('collections'), access: text('access'), region_adcodes: picked.key,
      ...(text('expires_at') ? { expires_at: `${text('expires_at')}T23:59:59+08:00` } : {}) };
  try {
    const { body: made } = await request('POST', which === 'user' ? '/api/v1/admin/users' : '/api/v1/admin/keys', { body });
    once = { kind: which, id: made.id, secret: which === 'user' ? made.password : made.key };
    picked[which] = [];
    await load();
  } catch (err) {
    const { details = [] } = err.body?.error ?? {};
    form.querySelectorAll('.field-error').forEach((el) => { el.hidden = true; });
    const zh = getLang() === 'zh';
    details.forEach((d) => {
      const box = form.querySelector(`.field[data-field="${CSS.escape(String(d.field).split(/[.[]/)[0])}"] .field-error`);
      if (box) {
        box.textContent = zh ? d.problem_zh : d.problem;
        box.hidden = false;
      }
    });
    formMessage(form, err.message);
  }
}

async function copySecret() {
  const input = root.querySelector('[data-secret]');
  const status = root.querySelector('[data-copy-status]');
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    document.execCommand('copy'); // plain-http intranet pages have no navigator.clipboard
  }
  status.textContent = t('share.copied');
}

function onClick(e) {
  const el = (sel) => e.target.closest(sel);
  if (el('[data-admin-close]')) closeAdmin();
  else if (el('[data-admin-tab]')) {
    tab = el('[data-admin-tab]').dataset.adminTab;
    once = null;
    render();
  } else if (el('[data-copy]')) copySecret();
  else if (el('[data-secret-done]')) {
    once = null;
    root.querySelector('[data-secret-once]')?.remove();
  } else if (el('[data-region-add]')) {
    const which = el('[data-region-add]').dataset.regionAdd;
    const value = root.querySelector(`[data-region-select="${which}"]`).value;
    if (value && !picked[which].includes(value)) picked[which].push(value);
    refreshChips(which);
  } else if (el('[data-region-remove]')) {
    const [which, adcode] = el('[data-region-remove]').dataset.regionRemove.split(':');
    picked[which] = picked[which].filter((a) => a !== adcode);
    refreshChips(which);
  } else if (el('[data-toggle-user]')) {
    const b = el('[data-toggle-user]');
    request('PATCH', `/api/v1/admin/users/${b.dataset.toggleUser}`, { body: { disabled: b.dataset.disabled !== 'true' } })
      .then(load).catch(showFailure);
  } else if (el('[data-reset-user]')) {
    const b = el('[data-reset-user]');
    if (!confirmed(b, 'admin.resetConfirm', 'admin.resetPassword')) return;
    b.disabled = true;
    request('POST', `/api/v1/admin/users/${b.dataset.resetUser}/password`)
      .then(({ body }) => { once = { kind: 'reset', id: b.dataset.resetUser, secret: body.password }; return load(); })
      .catch(showFailure);
  } else if (el('[data-revoke]')) {
    const b = el('[data-revoke]');
    if (!confirmed(b, 'admin.revokeConfirm', 'admin.revoke')) return;
    b.disabled = true;
    request('DELETE', `/api/v1/admin/keys/${b.dataset.revoke}`).then(load).catch(showFailure);
  }
}

/**
 * Two steps instead of a confirm(): the first click asks (`askKey`), a second within 5 s goes
 * ahead. Whether this click is the second.
 */
function confirmed(button, askKey, labelKey) {
  if (button.classList.contains('is-confirming')) return true;
  button.classList.add('is-confirming');
  button.textContent = t(askKey);
  setTimeout(() => {
    if (button.isConnected) { button.classList.remove('is-confirming'); button.textContent = t(labelKey); }
  }, CONFIRM_MS);
  return false;
}

/** A failed disable, reset or revoke: the server's reason, above the table. */
function showFailure(err) {
  const body = root.querySelector('[data-admin-body]');
  body.querySelector('[data-admin-error]')?.remove();
  insertHtml(body, 'afterbegin', html`<div class="form-message is-error" data-admin-error role="alert">${err.message}</div>`);
  body.querySelectorAll('[data-revoke], [data-reset-user]').forEach((b) => { b.disabled = false; });
}

function refreshChips(which) {
  const box = root.querySelector(`[data-region-chips="${which}"]`);
  setHtml(box, regionChipButtons(which));
}

export function initAdmin() {
  root = document.createElement('section');
  root.id = 'admin';
  root.className = 'admin-page';
  root.setAttribute('role', 'dialog');
  root.setAttribute('aria-modal', 'true');
  root.hidden = true;
  document.body.append(root);
  root.addEventListener('click', onClick);
  root.addEventListener('submit', (e) => {
    e.preventDefault();
    if (e.target.matches('[data-create]')) create(e.target);
    else if (e.target.matches('[data-audit-filter]')) {
      auditFilter = Object.fromEntries(new FormData(e.target).entries());
      load();
    }
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !root.hidden) closeAdmin(); });
  addMenuAction('admin', 'admin.menu', (me) => me.role === 'admin', () => openAdmin('users'));
  addMenuAction('audit', 'audit.menu', (me) => me.role === 'admin' || me.role === 'leader', () => openAdmin('audit'));
  onAuthChange(() => closeAdmin());
  state.subscribe((s, changed) => { if (changed.has('lang') && !root.hidden) render(); });
  regionTree().then((list) => { tree = list; }).catch(() => {});
}
