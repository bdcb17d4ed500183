// What is put aside for the side-by-side comparison: up to four parks or four carriers, added
// from the lists, the drawers and the match results, each with the same button; a tray over the
// map says how many there are and opens the comparison.
import { html, setHtml } from '../html.js';
import { s } from './strings.js';

export const MAX_COMPARED = 4;
let basket = { kind: null, ids: [] }; // kind: 'park' | 'carrier'
let tray;

export function compared() {
  return basket;
}

function has(kind, id) {
  return basket.kind === kind && basket.ids.includes(id);
}

/** The add/remove button of one park or carrier (kind 'park' | 'carrier'). */
export function compareButton(kind, id) {
  const on = has(kind, id);
  return html`<button type="button" class="btn btn-compare" data-compare-add="${kind}:${id}" aria-pressed="${String(on)}">${
    on ? s('inCompare') : s('addCompare')}</button>`;
}

/** Put in or take out; a park after carriers (or the reverse) starts a new basket. */
function toggle(kind, id) {
  let note = '';
  if (has(kind, id)) basket = { kind, ids: basket.ids.filter((x) => x !== id) };
  else if (basket.kind !== kind && basket.ids.length) {
    basket = { kind, ids: [id] };
    note = s('oneKind');
  } else if (basket.ids.length >= MAX_COMPARED) note = s('full');
  else basket = { kind, ids: [...basket.ids, id] };
  if (!basket.ids.length) basket = { kind: null, ids: [] };
  return note;
}

/** Redraw the buttons, the tray and its words (also for a new language). */
export function redraw(note = '') {
  document.querySelectorAll('[data-compare-add]').forEach((b) => {
    const [kind, id] = b.dataset.compareAdd.split(':');
    const on = has(kind, Number(id));
    b.setAttribute('aria-pressed', String(on));
    b.textContent = on ? s('inCompare') : s('addCompare');
  });
  const n = basket.ids.length;
  tray.hidden = n === 0 && !note;
  setHtml(tray, html`<span data-tray-count="${n}">${s('tray', { n })}</span>
    <button type="button" class="btn btn-primary" data-tray-open ${n < 2 ? html`disabled title="${s('needTwo')}"` : ''}>${s('openCompare')}</button>
    <button type="button" class="btn" data-tray-clear>${s('clearCompare')}</button>
    ${note ? html`<small class="tray-note" role="status">${note}</small>` : ''}`);
  tray.dispatchEvent(new CustomEvent('basket'));
}

/** Call `fn` whenever what is compared changes. */
export function onBasket(fn) {
  tray.addEventListener('basket', fn);
}

/** `open()` shows the comparison of what is in the basket. */
export function initBasket(open) {
  tray = document.createElement('div');
  tray.className = 'compare-tray';
  tray.id = 'compare-tray';
  tray.hidden = true;
  document.body.append(tray);
  // Capture: a list row or a drawer must not also act on the click (open the row, say).
  document.addEventListener('click', (e) => {
    const add = e.target.closest('[data-compare-add]');
    if (!add) return;
    e.stopPropagation();
    const [kind, id] = add.dataset.compareAdd.split(':');
    redraw(toggle(kind, Number(id)));
  }, true);
  tray.addEventListener('click', (e) => {
    if (e.target.closest('[data-tray-open]')) open();
    if (e.target.closest('[data-tray-clear]')) {
      basket = { kind: null, ids: [] };
      redraw();
    }
  });
  redraw();
}

