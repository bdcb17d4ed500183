// The officers' workbench (招商工作台): the chain view and the target list, under the map on a
// desktop and as a sheet over it on a phone. Only staff get its button; for anyone else this
// module adds nothing to the page.
import { applyStatic, t } from '../i18n.js';
import * as state from '../state.js';
import { isStaff } from './session.js';
import { hideChainView, initChainView, renderChainView, showChainView } from './chain-view.js';
import { initTargetsTable, renderTargetsTable, showTargetsFor } from './targets-table.js';
import { initLinkMap } from './link-map.js';

const TABS = ['chain', 'targets'];
let map;
let root;
let button;
let tab = 'chain';
const started = new Set();

function start(which) {
  if (started.has(which)) return;
  started.add(which);
  const pane = root.querySelector(`[data-pane="${which}"]`);
  if (which === 'chain') initChainView(pane, (filters) => { showTargetsFor(filters); select('targets'); });
  else initTargetsTable(pane);
}

function select(which) {
  tab = which;
  root.querySelectorAll('[data-wb-tab]').forEach((b) => {
    b.classList.toggle('is-active', b.dataset.wbTab === which);
    b.setAttribute('aria-selected', String(b.dataset.wbTab === which));
  });
  root.querySelectorAll('[data-pane]').forEach((p) => { p.hidden = p.dataset.pane !== which; });
  start(which);
}

function setOpen(open) {
  root.hidden = !open;
  document.body.classList.toggle('workbench-open', open);
  button.setAttribute('aria-expanded', String(open));
  map.invalidateSize();
  if (open) {
    select(tab);
    showChainView();
  } else hideChainView();
}

export function initWorkbench(theMap) {
  if (!isStaff()) return;
  map = theMap;
  initLinkMap(map);
  button = document.createElement('button');
  button.type = 'button';
  button.id = 'workbench-btn';
  button.className = 'btn-ghost';
  button.setAttribute('aria-expanded', 'false');
  button.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 6h5v5H3zM16 3h5v5h-5zM16 16h5v5h-5zM8 8.5h4v10h4M12 5.5h4"
    fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/></svg><span data-i18n="wb.button"></span>`;
  document.querySelector('.top-actions').prepend(button);
  root = document.createElement('section');
  root.className = 'workbench';
  root.id = 'workbench';
  root.hidden = true;
  root.innerHTML = `<header class="wb-head">
      <nav class="wb-tabs" role="tablist">${TABS.map((k) => `<button type="button" role="tab" data-wb-tab="${k}"
        data-i18n="wb.tab.${k}"></button>`).join('')}</nav>
      <button type="button" class="detail-close wb-close" data-wb-close data-i18n-title="detail.close">×</button>
    </header>
    ${TABS.map((k) => `<div class="wb-pane" data-pane="${k}" hidden></div>`).join('')}`;
  document.body.append(root);
  applyStatic(button);
  applyStatic(root);
  button.addEventListener('click', () => setOpen(root.hidden));
  root.querySelector('[data-wb-close]').addEventListener('click', () => setOpen(false));
  root.querySelectorAll('[data-wb-tab]').forEach((b) => b.addEventListener('click', () => select(b.dataset.wbTab)));
  state.subscribe((s, changed) => {
    if (!changed.has('lang')) return;
    renderChainView();
    renderTargetsTable();
  });
}
