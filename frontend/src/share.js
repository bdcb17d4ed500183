// The share button: the current URL (which holds the whole view) as text and as a QR code,
// for WeChat and for printed brochures. The QR code is drawn here, offline.
import qrcode from 'qrcode-generator';
import { t } from './i18n.js';
import { html, raw, setHtml } from './html.js';
import * as state from './state.js';

let dialog;

function qrSvg(text) {
  const qr = qrcode(0, 'M'); // type 0: the smallest version that fits; M: ~15% error correction
  qr.addData(text, 'Byte');
  qr.make();
  // Rectangles the library draws from the URL's bits: no text of the URL ends up in the markup.
  return raw(qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }));
}

async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // navigator.clipboard needs a secure context; intranet pages are often plain http.
    input.select();
    return document.execCommand('copy');
  }
}

/** The open park's or carrier's own page (/p/12, /c/34): its link previews with a title and a summary. */
function itemUrl() {
  const { open, lang } = state.get();
  if (!open) return null;
  return `${window.location.origin}/${open.kind === 'park' ? 'p' : 'c'}/${open.id}${lang === 'en' ? '?lang=en' : ''}`;
}

export function openShare() {
  const url = window.location.href;
  const item = itemUrl();
  setHtml(dialog, html`<form method="dialog" class="share">
    <header><h2>${t('share.title')}</h2>
      <button class="detail-close" value="close" aria-label="${t('share.close')}">×</button></header>
    <div class="qr" data-qr>${qrSvg(url)}</div>
    <p class="hint">${t('share.hint')}</p>
    <div class="share-row"><input type="text" readonly value="${url}" aria-label="URL" data-share-url>
      <button type="button" class="btn btn-primary" data-copy>${t('share.copy')}</button></div>
    ${item ? html`<p class="hint">${t('share.itemHint')}</p>
      <div class="share-row"><input type="text" readonly value="${item}" aria-label="${t('share.itemHint')}" data-share-item-url></div>` : ''}
    ${navigator.share ? html`<button type="button" class="btn" data-native-share>${t('share.native')}</button>` : ''}
    <p class="share-status" role="status"></p>
  </form>`);
  const input = dialog.querySelector('[data-share-url]');
  dialog.querySelector('[data-copy]').addEventListener('click', async () => {
    const ok = await copy(url, input);
    dialog.querySelector('.share-status').textContent = ok ? t('share.copied') : t('share.copyFailed');
  });
  // Phones: the system's share sheet (WeChat among its targets), with the link that previews best.
  dialog.querySelector('[data-native-share]')?.addEventListener('click', () => {
    navigator.share({ title: document.title, url: item || url }).catch(() => {});
  });
  dialog.showModal();
  input.select();
}

export function initShare(button, dialogElement) {
  dialog = dialogElement;
  button.addEventListener('click', openShare);
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); }); // click on the backdrop
}
