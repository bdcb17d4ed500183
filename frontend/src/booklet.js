// A city's booklet (every park in one PDF, staff only): started from the guide under the filters,
// built by the server as a background job whose progress is shown until the PDF can be opened.
import { getJSON, query, request } from './api.js';
import { getLang, t } from './i18n.js';
import { html, setHtml } from './html.js';

const POLL_MS = 1000;

export function bookletButton(city) {
  return html`<span class="booklet"><button type="button" class="btn" data-start-booklet="${city}">${t('brochure.booklet')}</button>
    <span class="booklet-status" role="status" data-booklet-status></span></span>`;
}

async function follow(job, status) {
  let current = job;
  while (current.status === 'queued' || current.status === 'running') {
    setHtml(status, html`${t('brochure.bookletProgress', { done: current.done, total: current.total })}`);
    await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
    current = await getJSON(current.status_url);
  }
  if (current.status === 'done') {
    setHtml(status, html`<a href="${current.pdf_url}" target="_blank" rel="noopener" data-booklet-pdf>${t('brochure.bookletReady')}</a>`);
  } else {
    setHtml(status, html`${current.error || t('brochure.bookletFailed')}`);
  }
}

/** Start (or find) the booklet of the city a clicked button names, inside `root`. */
export function initBooklets(root) {
  root.addEventListener('click', async (e) => {
    const button = e.target.closest('[data-start-booklet]');
    if (!button) return;
    const status = button.parentElement.querySelector('[data-booklet-status]');
    button.disabled = true;
    try {
      const path = `/api/v1/brochures/booklets?${query({ city: button.dataset.startBooklet, lang: getLang() })}`;
      await follow((await request('POST', path)).body, status);
    } catch (err) {
      setHtml(status, html`${err.message}`);
    } finally {
      button.disabled = false;
    }
  });
}
