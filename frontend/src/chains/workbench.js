// The officers' workbench (招商工作台): the chain view, the target list, the key projects and the
// cluster dashboard, under the map on a
// desktop and as a sheet over it on a phone. Only signed-in staff get its button; for anyone
// else this module adds nothing to the page, and signing out takes it all away again.
import L from '../leaflet.js';
import { applyStatic } from '../i18n.js';
import * as state from '../state.js';
import { isStaff, onAuthChange } from '../auth.js';
import { hideChainView, initChainView, renderChainView, resetChainView, showChainView } from './chain-view.js';
import { initTargetsTable, renderTargetsTable, resetTargetsTable, showTargetsFor } from './targets-table.js';
import { initLinkMap } from './link-map.js';
import { initEnterpriseDrawer } from './enterprise-drawer.js';
import { initProjectsTable, renderProjectsTable, resetProjectsTable } from './projects-table.js';
import { initDashboard, renderDashboard, resetDashboard } from './dashboard.js';
import { html, setHtml } from '../html.js';

const TABS = ['chain', 'targets', 'projects', 'dashboard'];
const INIT = { targets: initTargetsTable, projects: initProjectsTable, dashboard: initDashboard };
let map;
let root;
let control; // the map control holding the button
let button;
let tab = 'chain';
const started = new Set();

function start(which) {
  if (started.has(which)) return;
  started.add(which);
  const pane = root.querySelector(`[data-pane="${which}"]`);
  if (which === 'chain') initChainView(pane, (filters) => { showTargetsFor(filters); select('targets'); });
  else INIT[which](pane);
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

function build() {
  // The button is a map control (top left, under the staff tools): the header has no room left.
  control = L.control({ position: 'topleft' });
  control.onAdd = () => {
    const box = L.DomUtil.create('div', 'wb-control');
    setHtml(box, html`<button type="button" id="workbench-btn" class="btn" aria-expanded="false" data-i18n-title="wb.button">
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 6h5v5H3zM16 3h5v5h-5zM16 16h5v5h-5zM8 8.5h4v10h4M12 5.5h4"
      fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/></svg><span data-i18n="wb.label"></span></button>`);
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  control.addTo(map);
  button = control.getContainer().querySelector('button');
  root = document.createElement('section');
  root.className = 'workbench';
  root.id = 'workbench';
  root.hidden = true;
  setHtml(root, html`<header class="wb-head">
      <nav class="wb-tabs" role="tablist">${TABS.map((k) => html`<button type="button" role="tab" data-wb-tab="${k}"
        data-i18n="wb.tab.${k}"></button>`)}</nav>
      <button type="button" class="detail-close wb-close" data-wb-close data-i18n-title="detail.close">×</button>
    </header>
    ${TABS.map((k) => html`<div class="wb-pane" data-pane="${k}" hidden></div>`)}`);
  document.body.append(root);
  applyStatic(control.getContainer());
  applyStatic(root);
  button.addEventListener('click', () => setOpen(root.hidden));
  root.querySelector('[data-wb-close]').addEventListener('click', () => setOpen(false));
  root.querySelectorAll('[data-wb-tab]').forEach((b) => b.addEventListener('click', () => select(b.dataset.wbTab)));
}

function tearDown() {
  setOpen(false);
  control.remove();
  root.remove();
  control = null;
  button = null;
  root = null;
  started.clear();
  tab = 'chain';
  resetChainView();
  resetTargetsTable();
  resetProjectsTable();
  resetDashboard();
}

/** Build the workbench for staff, take it down for anyone else. */
function follow() {
  if (isStaff() && !root) build();
  else if (!isStaff() && root) tearDown();
}

export function initWorkbench(theMap) {
  map = theMap;
  initLinkMap(map);
  initEnterpriseDrawer(map);
  follow();
  onAuthChange(follow);
  state.subscribe((s, changed) => {
    if (!changed.has('lang')) return;
    renderChainView();
    renderTargetsTable();
    renderProjectsTable();
    renderDashboard();
  });
}
