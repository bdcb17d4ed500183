// Requests to the InvestMap API: one place for timeouts, aborts, the slow-request notice and
// turning the server's bilingual errors into a message in the page's language.
import { getLang, t } from './i18n.js';

const TIMEOUT_MS = 20000;
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
  constructor(message, status = 0) {
    super(message);
    this.status = status;
  }
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
 * GET JSON. `signal` aborts it (a newer request replaces an older one); an aborted request
 * rejects with an AbortError that callers ignore. Errors carry a message for the user.
 */
export async function getJSON(path, { signal, onSlow } = {}) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal?.addEventListener('abort', abort);
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, TIMEOUT_MS);
  const slowTimer = setTimeout(() => { onSlow?.(); notify(true); }, SLOW_MS);
  pending += 1;
  notify();
  try {
    let response;
    try {
      response = await fetch(path, { signal: controller.signal, headers: { Accept: 'application/json' } });
    } catch (err) {
      if (timedOut) throw new ApiError(t('error.timeout'));
      if (signal?.aborted) throw err;
      throw new ApiError(t('error.network'));
    }
    if (!response.ok) {
      let message = t('error.server', { status: response.status });
      try {
        const body = await response.json();
        if (body?.error) message = getLang() === 'zh' ? body.error.message_zh : body.error.message;
      } catch { /* not JSON: keep the generic message */ }
      throw new ApiError(message, response.status);
    }
    return await response.json();
  } finally {
    clearTimeout(timer);
    clearTimeout(slowTimer);
    signal?.removeEventListener('abort', abort);
    pending -= 1;
    notify();
  }
}

export function isAbort(err) {
  return err?.name === 'AbortError';
}
