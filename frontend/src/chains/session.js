// Who is signed in, as far as the chain views care: staff (officers, leaders, admins) see the
// chain view, the target list and the gap and target layers; nobody else is offered them, and
// the API refuses them anyway. The session cookie comes from signing in elsewhere; the CSRF
// token it carries is what stage changes send back.
import { getJSON, setCsrfToken } from '../api.js';

const STAFF_ROLES = ['officer', 'leader', 'admin'];
let me = null;

/** Ask the server who this is (the public when nobody is signed in). */
export async function loadSession() {
  try {
    me = await getJSON('/api/v1/auth/me');
  } catch {
    me = null; // the server cannot say: offer nothing that needs staff
  }
  if (isStaff()) setCsrfToken(me.csrf_token);
  return me;
}

export function isStaff() {
  return STAFF_ROLES.includes(me?.role);
}
