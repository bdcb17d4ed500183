// The site-selection panel (智慧选址): a requirement form, the ranked carriers with the reasons
// each fits or misses (numbered on the map too), and a side-by-side comparison of 2–4 of them.
// For everyone, signed in or not: the API answers each caller with what they may see.
import L from '../leaflet.js';
import '../styles/sites.css';
import { ApiError, getJSON, request } from '../api.js';
import { html, markup, setHtml } from '../html.js';
import { regions } from '../data.js';
import { fromMap, toMap } from '../map.js';
import * as state from '../state.js';
import { requirementOf } from './request.js';
import { compareView, formView, resultsView } from './views.js';
import { s } from './strings.js';
import { compared, initBasket, onBasket, redraw } from './basket.js';
import { openInquiry } from '../inquiry.js';

let map;
let root;
let button;
let pins;
let result = null;
let table = null; // the comparison shown last, for the names its inquiry carries
let asked = null; // the requirement behind `result`, for its export links and the comparison's verdicts

function errorText(err) {
  const details = err instanceof ApiError ? err.body?.error?.details ?? [] : [];
  return [err.message, ...details.map((d) => `${d.field}: ${d.message_zh ?? ''} ${d.message ?? ''}`)].join('\n');
}

let ring = null; // the radius asked for, drawn with the pins
let building = Promise.resolve(); // the panel's form, built when first opened
let comparing = false; // the panel shows the comparison (not the form's results)

function drawPins() {
  pins.clearLayers();
  if (ring) L.circle(toMap(ring.lat, ring.lon), { radius: ring.km * 1000, className: 'site-ring', fill: false }).addTo(pins);
  (result?.results ?? []).forEach((r) => {
    const [lng, lat] = r.location.coordinates;
    const icon = L.divIcon({ className: 'site-pin', html: markup(html`<span>${r.rank}</span>`), iconSize: [26, 26] });
    L.marker(toMap(lat, lng), { icon, title: `${r.rank}. ${r.name}` }).addTo(pins);
  });
}

function renderResults() {
  comparing = false;
  const out = root.querySelector('[data-out]');
  setHtml(out, result ? resultsView(result, compared(), asked) : html``);
  drawPins();
}

async function submit(form) {
  const error = form.querySelector('.sites-error');
  error.hidden = true;
  try {
    const req = requirementOf(form, fromMap(map.getCenter()));
    result = (await request('POST', '/api/v1/sites/match', { body: req })).body;
    asked = req;
    ring = req.near ?? null;
    renderResults();
    if (result.results.length) map.fitBounds(L.featureGroup(pins.getLayers()).getBounds().pad(0.2), { maxZoom: 12 });
    root.querySelector('[data-out]').scrollIntoView({ block: 'start' });
  } catch (err) {
    error.textContent = errorText(err);
    error.hidden = false;
  }
}

async function compare() {
  comparing = true;
  const { kind, ids } = compared();
  const out = root.querySelector('[data-out]');
  try {
    const query = new URLSearchParams({ [`${kind}s`]: ids.join(',') });
    // Opened after a match (or from a link to such a comparison): the requirement's verdicts on
    // each carrier too, and the link keeps the requirement.
    const req = kind === 'carrier' ? asked ?? linkedRequirement() : null;
    if (req) query.set('r', JSON.stringify(req));
    state.set({ asked: req ? JSON.stringify(req) : null });
    table = await getJSON(`/api/v1/sites/compare?${query}`);
    setHtml(out, compareView(table));
    out.scrollIntoView({ block: 'start' });
  } catch (err) {
    setHtml(out, html`<p class="sites-error" role="alert">${errorText(err)}</p>`);
  }
}

/** The requirement a shared comparison link carries (`req=`), if it reads as JSON. */
function linkedRequirement() {
  try {
    return state.get().asked ? JSON.parse(state.get().asked) : null;
  } catch {
    return null;
  }
}

function onOutClick(e) {
  const target = e.target.closest('button, input');
  if (!target) return;
  if (target.dataset.inquireChosen) inquireChosen(target.dataset.inquireChosen);
  else if (target.dataset.compare !== undefined) compare();
  else if (target.dataset.back !== undefined) renderResults();
  else if (target.dataset.print !== undefined) window.print();
  else if (target.dataset.focus) {
    const site = result.results.find((r) => r.id === Number(target.dataset.focus));
    const [lng, lat] = site.location.coordinates;
    map.setView(toMap(lat, lng), Math.max(map.getZoom(), 13));
  }
}

/** The inquiry form about what is set aside for comparison, in the order chosen (the first carrier
 * routes it); parks are asked about one at a time, the first of them. */
function inquireChosen(origin) {
  const { kind, ids } = compared();
  const known = [...(table?.items ?? []), ...(result?.results ?? [])];
  const names = ids.map((id) => known.find((k) => k.id === id)?.name).filter(Boolean);
  if (kind === 'park') openInquiry({ kind: 'park', id: ids[0], name: names[0] });
  else openInquiry({ kind: 'carriers', ids, name: names.join('、'), origin });
}

function onKindChange(form) {
  const land = form.elements.kind.value === 'land';
  form.querySelector('[data-land-only]').hidden = !land;
  form.querySelector('[data-price-label]').firstChild.textContent = `${land ? s('priceLand') : s('priceRent')} `;
}

async function build() {
  const cities = (await regions('city')).features.map((f) => ({ id: f.id, name: f.properties.name }));
  setHtml(root, html`<header class="sites-head"><h2>${s('title')}</h2>
      <button type="button" class="detail-close" data-close title="${s('close')}" aria-label="${s('close')}">×</button></header>
    <div class="sites-body">${formView(cities)}<div data-out aria-live="polite"></div></div>`);
  const form = root.querySelector('form');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(form);
  });
  form.elements.kind.addEventListener('change', () => onKindChange(form));
  root.querySelector('[data-close]').addEventListener('click', () => setOpen(false));
  root.querySelector('[data-out]').addEventListener('click', onOutClick);
  renderResults();
}

/** The comparison of what is in the basket, in the panel (opened if need be). */
async function showCompared() {
  state.set({ open: null }, { history: 'push' }); // the drawer would cover the panel
  if (root.hidden) setOpen(true);
  await building;
  compare();
}

function compareCount() {
  const btn = root.querySelector('[data-compare]');
  const n = compared().kind === 'carrier' ? compared().ids.length : 0;
  if (!btn) return;
  btn.disabled = n < 2;
  btn.textContent = s('compare', { n });
  const ask = root.querySelector('[data-inquire-chosen]');
  ask.disabled = n === 0;
  ask.textContent = s('inquire', { n });
}

function setOpen(open) {
  root.hidden = !open;
  document.body.classList.toggle('sites-open', open);
  button.setAttribute('aria-expanded', String(open));
  if (open && !root.firstChild) building = build().catch((err) => setHtml(root, html`<p class="sites-error">${errorText(err)}</p>`));
  if (!open) pins.clearLayers();
  else drawPins();
}

export function initSites(theMap) {
  map = theMap;
  pins = L.layerGroup().addTo(map);
  const control = L.control({ position: 'topleft' });
  control.onAdd = () => {
    const box = L.DomUtil.create('div', 'sites-control');
    setHtml(box, html`<button type="button" id="sites-btn" class="btn" aria-expanded="false">${s('button')}</button>`);
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  control.addTo(map);
  button = control.getContainer().querySelector('button');
  root = document.createElement('section');
  root.className = 'sites';
  root.id = 'sites';
  root.hidden = true;
  document.body.append(root);
  button.addEventListener('click', () => setOpen(root.hidden));
  initBasket(showCompared);
  onBasket(compareCount);
  // An emptied basket ends the comparison, and with it the requirement its link carried.
  onBasket(() => { if (!compared().ids.length && state.get().asked) state.set({ asked: null }); });
  // A new language redraws the panel's words; the form keeps nothing the user must not lose yet.
  state.subscribe((st, changed) => {
    if (!changed.has('lang')) return;
    button.textContent = s('button');
    redraw();
    if (root.firstChild) {
      const again = comparing;
      root.replaceChildren();
      if (!root.hidden) building = build().then(() => (again ? compare() : undefined));
    }
  });
}
