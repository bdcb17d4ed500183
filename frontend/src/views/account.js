// The markup of the header's user area: the sign-in button, or who is signed in (display
// name and role) with the user menu.
import { t } from '../i18n.js';
import { html } from '../html.js';

function roleLabel(role) {
  return { officer: t('role.officer'), leader: t('role.leader'), admin: t('role.admin'), partner: t('role.partner') }[role] ?? role;
}

export function signInButton() {
  return html`<button type="button" class="btn-ghost user-btn" data-login aria-label="${t('auth.signIn')}">
      <svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="8" r="4" fill="none" stroke="currentColor" stroke-width="2"/>
        <path d="M4 21c1-4 4.5-6 8-6s7 2 8 6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>
      <span>${t('auth.signIn')}</span></button>`;
}

/** The signed-in user `me` ({name, display_name, role}) with a menu of `actions` ([[id, labelKey]]). */
export function userMenu(me, actions) {
  const name = me.display_name || me.name;
  const who = `${name} · ${roleLabel(me.role)}`;
  return html`<button type="button" class="btn-ghost user-btn is-signed-in" data-user-menu aria-haspopup="menu" aria-expanded="false"
      title="${who}" aria-label="${who}">
      <span class="avatar" aria-hidden="true">${name.slice(0, 1)}</span>
      <span class="user-who"><span class="user-name" data-user-name>${name}</span>
      <span class="role-badge role-${me.role}" data-user-role>${roleLabel(me.role)}</span></span></button>
    <div class="user-menu" role="menu" hidden>
      <p class="user-menu-head"><b>${name}</b><small>${roleLabel(me.role)} · ${me.name}</small></p>
      ${actions.map(([id, labelKey]) => html`<button type="button" role="menuitem" data-menu="${id}">${t(labelKey)}</button>`)}
      <button type="button" role="menuitem" data-logout>${t('auth.signOut')}</button>
    </div>`;
}

/** The change-password form; `forced` after a one-time password (no cancel, only sign-out),
 * `askCurrent` unless the page already holds the password just typed at sign-in. */
export function passwordForm(username, { forced, askCurrent }) {
  const current = askCurrent ? html`<label><span>${t('password.current')}</span>
      <input name="current_password" type="password" autocomplete="current-password" required></label>` : '';
  return html`<form method="dialog" class="login" data-password-form novalidate>
    <header><h2>${t(forced ? 'password.forcedTitle' : 'password.title')}</h2>
      ${forced ? html`<p class="muted" data-password-forced>${t('password.forcedHint')}</p>` : ''}
      <p class="muted">${t('password.hint')}</p></header>
    <input name="username" autocomplete="username" value="${username}" hidden>
    ${current}
    <label><span>${t('password.new')}</span><input name="new_password" type="password" autocomplete="new-password" required></label>
    <label><span>${t('password.repeat')}</span><input name="repeat" type="password" autocomplete="new-password" required></label>
    <p class="form-error" data-password-error role="alert" hidden></p>
    <div class="dialog-actions">
      ${forced ? html`<button type="button" class="btn" data-password-signout>${t('auth.signOut')}</button>`
        : html`<button type="button" class="btn" data-cancel>${t('edit.cancel')}</button>`}
      <button type="submit" class="btn btn-primary">${t('password.submit')}</button>
    </div>
  </form>`;
}
