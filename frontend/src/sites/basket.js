// What is put aside for the side-by-side comparison: up to four parks or four carriers, added
// from the lists, the drawers and the match results, each with the same button; a tray over the
// map says how many there are and opens the comparison. It lives in the page's state (`cmp=` in
// the URL), so a shared link reopens the same comparison.
import { html, setHtml } from '../html.js';
import * as state from '../state.js';
import { s } from './strings.js';

export const MAX_COMPARED = 4;
let tray;

/** What is compared: {kind: 'park' | 'carrier' | null, ids}. */
export function compared() {
  const [kind, list] = (state.get().compare ?? ':').split(':');
  return { kind: kind || null, ids: list ? list.split(',').map(Number) : [] };
}

function has(kind, id) {
  const now = compared();
  return now.kind === kind && now.ids.includes(id);
}

/** The add/remove button of one park or carrier (kind 'park' | 'carrier'). */
export function compareButton(kind, id) {
  const on = has(kind, id);
  return html`<button type="button" class="btn btn-compare" data-compare-add="${kind}:${id}" aria-pressed="${String(on)}">${
    on ? s('inCompare') : s('addCompare')}</button>`;
}

/** Put in or take out; a park after carriers (or the reverse) starts a new basket. Returns a note. */
function toggle(kind, id) {
  const now = compared();
  let ids = now.ids;
  let note = '';
  if (has(kind, id)) ids = ids.filter((x) => x !== id);
  else if (now.kind !== kind && ids.length) {
    ids = [id];
    note = s('oneKind');
  } else if (ids.length >= MAX_COMPARED) note = s('full');
  else ids = [...ids, id];
  state.set({ compare: ids.length ? `${kind}:${ids.join(',')}` : null });
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
  const n = compared().ids.length;
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

/** `open()` shows the comparison of what is in the basket; a link that holds two or more opens it. */
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
    redraw(toggle(kind, Number(id))); // also when nothing changed (a fifth one refused): with its note
  }, true);
  tray.addEventListener('click', (e) => {
    if (e.target.closest('[data-tray-open]')) open();
    if (e.target.closest('[data-tray-clear]')) state.set({ compare: null });
  });
  state.subscribe((st, changed) => {
    if (changed.has('compare')) redraw();
  });
  redraw();
  if (compared().ids.length >= 2) open();
}
