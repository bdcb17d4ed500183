// Changing one's own password: from the user menu, and forced after a sign-in with a one-time
// password (one an admin chose, reset or the first admin's), when the server answers every
// other call with 403 until the user has chosen their own. The forced form has no cancel: only
// saving or signing out.
import { PASSWORD_REQUIRED, request } from './api.js';
import { getLang, t } from './i18n.js';
import { setHtml } from './html.js';
import { passwordForm } from './views/account.js';
import { addMenuAction, adoptUser, onPasswordRequired, refreshMe, signOut, user } from './auth.js';

let dialog;
let forced = false;
let typed = ''; // the one-time password just typed at sign-in: not asked for again

/** Open the form; `force` for a one-time password (`current` is it, when the page knows it). */
export function openPasswordChange({ force = false, current = '', username = user().name } = {}) {
  forced = force;
  typed = current;
  setHtml(dialog, passwordForm(username.replace(/^user:/, ''), { forced, askCurrent: !typed }));
  if (!dialog.open) dialog.showModal();
  dialog.querySelector('input[type=password]').focus();
}

function showError(form, text) {
  const box = form.querySelector('[data-password-error]');
  box.textContent = text;
  box.hidden = !text;
}

async function submit(form) {
  const data = new FormData(form);
  const fresh = String(data.get('new_password'));
  if (fresh !== String(data.get('repeat'))) {
    showError(form, t('password.mismatch'));
    return;
  }
  const button = form.querySelector('[type=submit]');
  button.disabled = true;
  try {
    const { body } = await request('POST', '/api/v1/auth/password', {
      body: { current_password: typed || String(data.get('current_password')), new_password: fresh },
    });
    typed = '';
    forced = false;
    dialog.close();
    adoptUser(body);
  } catch (err) {
    // The server says which rule the password breaks (too short, too common, the user name ...).
    const details = err.body?.error?.details ?? [];
    const zh = getLang() === 'zh';
    showError(form, details.length ? details.map((d) => (zh ? d.problem_zh : d.problem)).join('；') : err.message);
    form.querySelector('input[name=new_password]').select();
  } finally {
    button.disabled = false;
  }
}

export function initPassword() {
  dialog = document.createElement('dialog');
  dialog.className = 'share-dialog login-dialog';
  dialog.id = 'password-dialog';
  document.body.append(dialog);
  dialog.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(e.target);
  });
  dialog.addEventListener('click', (e) => {
    if (e.target.closest('[data-cancel]')) dialog.close();
    else if (e.target.closest('[data-password-signout]')) {
      forced = false;
      dialog.close();
      signOut();
    }
  });
  dialog.addEventListener('cancel', (e) => { if (forced) e.preventDefault(); }); // Escape keeps a forced form
  addMenuAction('password', 'password.menu', (me) => me.role !== 'public', () => openPasswordChange());
  onPasswordRequired((who, current) => openPasswordChange({ force: true, current, username: who.name }));
  // A call refused for a one-time password (a session that turned pending elsewhere): ask who this is.
  window.addEventListener(PASSWORD_REQUIRED, () => { if (!forced) refreshMe(); });
}
