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

async function follow(job, show) {
  let current = job;
  while (current.status === 'queued' || current.status === 'running') {
    show(html`${t('brochure.bookletProgress', { done: current.done, total: current.total })}`);
    await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
    current = await getJSON(current.status_url);
  }
  if (current.status === 'done') {
    show(html`<a href="${current.pdf_url}" target="_blank" rel="noopener" data-booklet-pdf>${t('brochure.bookletReady')}</a>`);
  } else {
    show(html`${current.error || t('brochure.bookletFailed')}`);
  }
}

/** Start (or find) the booklet of the city a clicked button names, inside `root`. */
export function initBooklets(root) {
  root.addEventListener('click', async (e) => {
    const button = e.target.closest('[data-start-booklet]');
    if (!button) return;
    const city = button.dataset.startBooklet;
    // The filter panel may be drawn anew while the job runs: the status is looked up each time.
    const show = (markup) => {
      const status = root.querySelector(`[data-start-booklet="${CSS.escape(city)}"] ~ [data-booklet-status]`);
      if (status) setHtml(status, markup);
    };
    button.disabled = true;
    try {
      const path = `/api/v1/brochures/booklets?${query({ city, lang: getLang() })}`;
      await follow((await request('POST', path)).body, show);
    } catch (err) {
      show(html`${err.message}`);
    } finally {
      button.disabled = false;
    }
  });
}
