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
