// Start-up and wiring: the URL gives the state; the state drives data loads, layers, the
// list and the drawer. Parks are requested first, before anything else is set up, because
// they are what a visitor waits for.
import './styles/main.css';
import './styles/staff.css';
import './styles/chains.css';
import './styles/inquiry.css';
import './styles/access.css';
import { getJSON, onActivity } from './api.js';
import { applyStatic, codeList, setCodes, setLang, t } from './i18n.js';
import { html, setHtml } from './html.js';
import * as state from './state.js';
import { loadCarriers, loadParks, markStale, onStale, parks, regions } from './data.js';
import { JIANGXI_BOUNDS, createMap, fromMap, setBasemap, toMap, viewBbox } from './map.js';
import { LayerControl, applyVisibility } from './layers/registry.js';
import { initRegions } from './layers/regions.js';
import { initParks } from './layers/parks.js';
import { initCooperation } from './layers/cooperation.js';
import { initCarriers } from './layers/carriers.js';
import { initClusters } from './layers/clusters.js';
import { initGaps } from './layers/gaps.js';
import { initTargets } from './layers/targets.js';
import { initFilters, setIndustries } from './filters.js';
import { initSearch } from './search.js';
import { initResults } from './results.js';
import { initDetail } from './detail.js';
import { initShare } from './share.js';
import { initPanel, isPhone, setSheet } from './panel.js';
import { initAuth, onAuthChange } from './auth.js';
import { initScope } from './layers/scope.js';
import { closeEditor, initEditor } from './edit/editor.js';
import { initStaffTools } from './edit/tools.js';
import { initAdmin } from './admin.js';
import { initImports } from './imports.js';
import { initPassword } from './password.js';
import { initWorkbench } from './chains/workbench.js';
import { initInquiry } from './inquiry.js';
import { initInbox } from './inbox.js';
import { hasCodedFilters, unusableFilters } from './urlcheck.js';
import { initSites } from './sites/panel.js';
import { initRing } from './sites/ring.js';

const $ = (sel) => document.querySelector(sel);
const MOVE_DEBOUNCE_MS = 250;

function showNotice(message) {
  const el = $('#notice');
  el.textContent = message;
  el.hidden = false;
  clearTimeout(showNotice.timer);
  showNotice.timer = setTimeout(() => { el.hidden = true; }, 8000);
}

function fatal(err) {
  document.body.classList.add('is-fatal');
  const notice = $('#notice');
  notice.hidden = false;
  setHtml(notice, html`<b>${t('list.error', { msg: err.message })}</b>
    <button type="button" class="btn" data-reload>${t('list.retry')}</button>`);
  // No onclick attribute: the Content-Security-Policy runs no inline script, handlers included.
  notice.querySelector('[data-reload]').addEventListener('click', () => window.location.reload());
}

async function start() {
  state.initFromLocation();
  const initial = state.get();
  setLang(initial.lang);
  applyStatic();
  // First listener: every module that re-renders on a language change must find it set.
  state.subscribe((s, changed) => {
    if (changed.has('lang')) {
      setLang(s.lang);
      applyStatic();
    }
  });
  // A link cut short or edited by hand: what cannot be used is dropped before any request.
  const raw = new URLSearchParams(window.location.search);
  const dropped = ['open', 'c'].filter((k) => raw.has(k) && !initial[k === 'c' ? 'view' : 'open']);
  const drop = (keys) => {
    if (keys.length) state.setFilters(Object.fromEntries(keys.map((k) => [k, ''])));
    dropped.push(...keys);
  };
  drop(unusableFilters(initial.filters, null));
  const waitForCodes = hasCodedFilters(state.get().filters);
  if (!waitForCodes) loadParks(state.get().filters);
  regions('city').catch(() => {}); // wanted by the province view's counts; errors surface where it is used
  // Who is signed in decides what the page offers; the data loads carry the session cookie anyway.
  const [config, codes] = await Promise.all([getJSON('/api/v1/config'), getJSON('/api/v1/codes'),
    initAuth($('#user-area'))]);
  setCodes(codes);
  if (waitForCodes) {
    drop(unusableFilters(state.get().filters, (group) => codeList(group).map((c) => c.code)));
    loadParks(state.get().filters);
  }

  const map = createMap($('#map'), config);
  initRegions(map);
  initParks(map);
  initCooperation(map);
  initCarriers(map);
  initClusters(map);
  initScope(map);
  initGaps(map);
  initTargets(map);
  const control = new LayerControl();
  state.set({ basemap: setBasemap(initial.basemap || config.default_basemap) });
  control.addTo(map);
  if (initial.open && window.innerWidth < 1600) control.setOpen(false);
  if (initial.view) map.setView(toMap(initial.view.lat, initial.view.lng), initial.view.zoom);
  else {
    // Keep Jiangxi clear of the open layer control (desktop) or of the top bar and sheet (phone).
    const side = control.isOpen() ? control.getContainer().offsetWidth + 20 : 16;
    map.fitBounds(JIANGXI_BOUNDS.map(([lat, lng]) => toMap(lat, lng)), isPhone()
      ? { paddingTopLeft: [8, 60], paddingBottomRight: [8, 140] }
      : { paddingTopLeft: [16, 16], paddingBottomRight: [side, 16] });
  }
  applyVisibility(state.get().layers);
  if (dropped.length) showNotice(t('url.dropped', { keys: dropped.join(', ') }));

  const refreshCarriers = () => {
    const s = state.get();
    loadCarriers(s.filters, viewBbox(), map.getZoom(), s.layers.includes('carriers'), s.sort);
  };
  const saveView = () => {
    const c = fromMap(map.getCenter());
    state.set({ view: { lat: c.lat, lng: c.lng, zoom: map.getZoom() } });
  };
  saveView();
  let moveTimer = null;
  map.on('moveend', () => {
    saveView();
    clearTimeout(moveTimer);
    moveTimer = setTimeout(refreshCarriers, MOVE_DEBOUNCE_MS);
  });
  map.on('investmap:notice', (e) => showNotice(e.message));

  initFilters($('#filters'));
  initSearch($('#search-input'), $('#search-list'));
  initResults({
    list: $('#results'), count: $('#list-count'), sort: $('#sort'), tabButtons: [...document.querySelectorAll('.tabs [data-tab]')],
    onRetry: () => { loadParks(state.get().filters); refreshCarriers(); },
  });
  initDetail($('#detail'), { zoomOnFirstOpen: !initial.view });
  initShare($('#share-btn'), $('#share-dialog'));
  initPanel($('#panel'), $('#sheet-handle'));
  initEditor();
  initStaffTools(map);
  initAdmin();
  initImports();
  initPassword();
  initWorkbench(map);
  initInquiry();
  initInbox();
  initSites(map);
  initRing(map);
  refreshCarriers();
  // Signing in or out changes what may be seen (unpublished records, staff layers): reload all.
  onAuthChange(() => {
    closeEditor();
    applyVisibility(state.get().layers);
    control.render();
    markStale();
  });
  onStale(() => {
    loadParks(state.get().filters);
    refreshCarriers();
  });

  parks.listen((p) => { if (p.status === 'ready') setIndustries(p.features.flatMap((f) => f.properties.leading_industries)); });
  $('#lang-btn').addEventListener('click', () => state.set({ lang: state.get().lang === 'zh' ? 'en' : 'zh' }));
  state.subscribe((s, changed) => {
    if (changed.has('basemap')) setBasemap(s.basemap);
    if (changed.has('layers')) applyVisibility(s.layers);
    if (changed.has('filters')) {
      loadParks(s.filters);
      refreshCarriers();
    }
    if (changed.has('layers') || changed.has('sort')) refreshCarriers();
    if (changed.has('view') && s.view) {
      // Back/forward or a pasted URL moved the state: follow it (a no-op when the map moved itself).
      const here = fromMap(map.getCenter());
      if (Math.abs(here.lat - s.view.lat) > 1e-4 || Math.abs(here.lng - s.view.lng) > 1e-4 || map.getZoom() !== s.view.zoom) {
        map.setView(toMap(s.view.lat, s.view.lng), s.view.zoom);
      }
    }
    if (['lang', 'basemap', 'layers'].some((k) => changed.has(k))) control.render();
    if (changed.has('open') && s.open && isPhone()) setSheet('peek');
    // Room for the drawer: fold the layer control unless the screen is wide.
    if (changed.has('open') && s.open && window.innerWidth < 1600) control.setOpen(false);
  });
  window.addEventListener('popstate', () => state.loadFromLocation());
  onActivity((pending, slow) => {
    $('#loadbar').hidden = pending === 0;
    $('#loadbar').classList.toggle('is-slow', slow && pending > 0);
  });
  // For debugging in the console and for the browser tests: read-only handles.
  window.investmap = { map, state: state.get };
}

start().catch(fatal);
