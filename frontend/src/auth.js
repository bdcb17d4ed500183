// Who is signed in. The session itself is an HttpOnly cookie that the page never sees; what
// the page keeps, in memory only, is who it is (name, role, regions) and the CSRF token that
// every write echoes (api.js sends it). The header shows the sign-in button or the user, with
// a menu for the admin page, the audit log and signing out. Someone signed in with a one-time
// password is kept apart (`pending`) until password.js has them choose their own: the page
// stays public meanwhile, since the server answers every other call with 403.
import { getJSON, request, setCsrfToken } from './api.js';
import { t } from './i18n.js';
import { html, setHtml } from './html.js';
import { signInButton, userMenu } from './views/account.js';
import * as state from './state.js';

const PUBLIC = { name: 'anonymous', display_name: '', role: 'public', regions: [], csrf_token: null };
const listeners = new Set();
let me = PUBLIC;
let pending = null; // signed in with a one-time password not yet replaced
const passwordRequired = new Set();
let area; // the header's user area
let dialog; // the sign-in dialog
const menuActions = new Map(); // id -> {labelKey, show(me), run()}

export function user() {
  return me;
}

export function isSignedIn() {
  return me.role !== 'public';
}

/** Officers, leaders and admins: they see unpublished records and internal fields. */
export function isStaff() {
  return ['officer', 'leader', 'admin'].includes(me.role);
}

export function isAdmin() {
  return me.role === 'admin';
}

/** Who may write at all (the server still checks the scope of each record). */
export function canWrite() {
  return me.role === 'admin' || (me.role === 'officer' && me.regions.length > 0);
}

/**
 * Whether a park (its county and city) lies inside the signed-in writer's regions. Only a hint
 * for which buttons to show: the server decides, and says why when it refuses.
 */
export function mayEditPark(park) {
  if (me.role === 'admin') return true;
  if (!canWrite()) return false;
  return me.regions.some((r) => r === park.region_adcode || r === park.city_adcode || r === '360000');
}

/** The signed-in user after their password change (the server's answer: a new session). */
export function adoptUser(next) {
  setMe(next);
}

/** Called with the user whenever someone signs in or out. */
export function onAuthChange(fn) {
  listeners.add(fn);
}

/** Add an entry to the user menu (e.g. the admin page); `show(user)` says for whom. */
export function addMenuAction(id, labelKey, show, run) {
  menuActions.set(id, { labelKey, show, run });
  render();
}

/**
 * Called with (user, typedPassword) when someone signed in must replace a one-time password
 * (`typedPassword` is the one they just typed at sign-in, else ''); at once if that is so now.
 */
export function onPasswordRequired(fn) {
  passwordRequired.add(fn);
  if (pending) fn(pending, '');
}

function setMe(next, typed = '') {
  if (next.must_change_password) {
    pending = next;
    setCsrfToken(next.csrf_token); // the password change is a write: it echoes this session's token
    passwordRequired.forEach((fn) => fn(next, typed));
    return;
  }
  // Leaving the pending state reloads what the server refused meanwhile.
  const changed = pending !== null || next.name !== me.name || next.role !== me.role;
  pending = null;
  me = next;
  setCsrfToken(me.csrf_token);
  render();
  if (changed) listeners.forEach((fn) => fn(me));
}

function render() {
  if (!area) return;
  const actions = [...menuActions.entries()].filter(([, a]) => a.show(me)).map(([id, a]) => [id, a.labelKey]);
  setHtml(area, isSignedIn() ? userMenu(me, actions) : signInButton());
}

function loginForm() {
  return html`<form method="dialog" class="login" data-login-form>
    <header><h2>${t('auth.title')}</h2><p class="muted">${t('auth.hint')}</p></header>
    <label><span>${t('auth.username')}</span><input name="username" autocomplete="username" required autocapitalize="off"></label>
    <label><span>${t('auth.password')}</span><input name="password" type="password" autocomplete="current-password" required></label>
    <p class="form-error" data-login-error hidden></p>
    <div class="dialog-actions">
      <button type="button" class="btn" data-cancel>${t('edit.cancel')}</button>
      <button type="submit" class="btn btn-primary">${t('auth.submit')}</button>
    </div>
  </form>`;
}

export function openLogin() {
  setHtml(dialog, loginForm());
  dialog.showModal();
  dialog.querySelector('input[name=username]').focus();
}

async function submitLogin(form) {
  const data = new FormData(form);
  const button = form.querySelector('[type=submit]');
  button.disabled = true;
  try {
    const password = String(data.get('password'));
    const { body } = await request('POST', '/api/v1/auth/login', {
      body: { username: String(data.get('username')).trim(), password },
    });
    dialog.close();
    setMe(body, password);
  } catch (err) {
    const box = form.querySelector('[data-login-error]');
    box.textContent = err.message;
    box.hidden = false;
    form.querySelector('input[name=password]').select();
  } finally {
    button.disabled = false;
  }
}

export async function signOut() {
  try {
    await request('POST', '/api/v1/auth/logout');
  } finally {
    setMe(PUBLIC);
  }
}

/** Ask the server again who this is (at start, and when a write says the session is gone). */
export async function refreshMe() {
  try {
    const body = await getJSON('/api/v1/auth/me');
    setMe(body.role === 'public' ? PUBLIC : body);
  } catch {
    setMe(PUBLIC);
  }
}

function toggleMenu(open) {
  const menu = area.querySelector('.user-menu');
  if (!menu) return;
  const next = open ?? menu.hidden;
  menu.hidden = !next;
  area.querySelector('[data-user-menu]').setAttribute('aria-expanded', String(next));
}

export function initAuth(element) {
  area = element;
  dialog = document.createElement('dialog');
  dialog.className = 'share-dialog login-dialog';
  dialog.id = 'login-dialog';
  document.body.append(dialog);
  dialog.addEventListener('submit', (e) => {
    if (e.target.matches('[data-login-form]')) {
      e.preventDefault();
      submitLogin(e.target);
    }
  });
  dialog.addEventListener('click', (e) => { if (e.target.closest('[data-cancel]')) dialog.close(); });
  area.addEventListener('click', (e) => {
    if (e.target.closest('[data-login]')) openLogin();
    else if (e.target.closest('[data-user-menu]')) toggleMenu();
    else if (e.target.closest('[data-logout]')) { toggleMenu(false); signOut(); }
    else if (e.target.closest('[data-menu]')) {
      toggleMenu(false);
      menuActions.get(e.target.closest('[data-menu]').dataset.menu)?.run();
    }
  });
  document.addEventListener('click', (e) => { if (!area.contains(e.target)) toggleMenu(false); });
  state.subscribe((s, changed) => { if (changed.has('lang')) render(); });
  render();
  return refreshMe();
}
