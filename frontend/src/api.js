// Requests to the InvestMap API: one place for timeouts, aborts, the slow-request notice and
// turning the server's bilingual errors into a message in the page's language.
import { getLang, t } from './i18n.js';

const TIMEOUT_MS = 20000;
export const PASSWORD_REQUIRED = 'investmap:password-change-required';
const SLOW_MS = 4000;
let pending = 0;
const activity = new Set();

/** Called with (pendingCount, slow) whenever a request starts, turns slow or ends. */
export function onActivity(fn) {
  activity.add(fn);
}

function notify(slow = false) {
  activity.forEach((fn) => fn(pending, slow));
}

export class ApiError extends Error {
  /** `body` is the server's error body ({error: {code, message, details}, current?}) when it sent one. */
  constructor(message, status = 0, body = null) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

// The CSRF token of the signed-in session (auth.js sets it): every write sends it back.
let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** The query string of an object, leaving out empty values. */
export function query(params) {
  const p = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => {
    if (v !== undefined && v !== null && v !== '') p.set(k, v);
  });
  return p.toString();
}

/**
 * One request to the API, JSON in and out: `{status, body, etag}`. Writes (anything but GET)
 * carry the session's CSRF token. `signal` aborts it (a newer request replaces an older one);
 * an aborted request rejects with an AbortError that callers ignore. Errors are ApiErrors
 * with a message for the user and the server's error body.
 */
export async function request(method, path, { body, headers = {}, signal, onSlow, timeout = TIMEOUT_MS } = {}) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal?.addEventListener('abort', abort);
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeout);
  const slowTimer = setTimeout(() => { onSlow?.(); notify(true); }, SLOW_MS);
  const sent = { Accept: 'application/json', ...headers };
  // A file (Blob) is sent as it is: the import endpoints take the file as the request body.
  const isFile = body instanceof Blob;
  if (body !== undefined) sent['Content-Type'] = isFile ? 'application/octet-stream' : 'application/json';
  if (method !== 'GET' && csrfToken) sent['X-CSRF-Token'] = csrfToken;
  pending += 1;
  notify();
  try {
    let response;
    try {
      response = await fetch(path, { method, signal: controller.signal, headers: sent,
        body: body === undefined || isFile ? body : JSON.stringify(body) });
    } catch (err) {
      if (timedOut) throw new ApiError(t('error.timeout'));
      if (signal?.aborted) throw err;
      throw new ApiError(t('error.network'));
    }
    if (!response.ok) {
      let message = t('error.server', { status: response.status });
      let errorBody = null;
      try {
        errorBody = await response.json();
        if (errorBody?.error) message = getLang() === 'zh' ? errorBody.error.message_zh : errorBody.error.message;
      } catch { /* not JSON: keep the generic message */ }
      // Signed in with a one-time password: password.js asks for a new one.
      if (errorBody?.error?.code === 'password_change_required') window.dispatchEvent(new CustomEvent(PASSWORD_REQUIRED));
      throw new ApiError(message, response.status, errorBody);
    }
    const text = response.status === 204 ? '' : await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, etag: response.headers.get('ETag') };
  } finally {
    clearTimeout(timer);
    clearTimeout(slowTimer);
    signal?.removeEventListener('abort', abort);
    pending -= 1;
    notify();
  }
}

/** GET JSON: the body of request('GET', ...). */
export async function getJSON(path, options = {}) {
  return (await request('GET', path, options)).body;
}

export function isAbort(err) {
  return err?.name === 'AbortError';
}
