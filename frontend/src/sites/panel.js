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
import { openInquiry } from '../inquiry.js';

const MAX_COMPARED = 4;
let map;
let root;
let button;
let pins;
let result = null;
const chosen = new Set();

function errorText(err) {
  const details = err instanceof ApiError ? err.body?.error?.details ?? [] : [];
  return [err.message, ...details.map((d) => `${d.field}: ${d.message_zh ?? ''} ${d.message ?? ''}`)].join('\n');
}

let ring = null; // the radius asked for, drawn with the pins

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
  const out = root.querySelector('[data-out]');
  setHtml(out, result ? resultsView(result, chosen) : html``);
  drawPins();
}

async function submit(form) {
  const error = form.querySelector('.sites-error');
  error.hidden = true;
  try {
    const req = requirementOf(form, fromMap(map.getCenter()));
    result = (await request('POST', '/api/v1/sites/match', { body: req })).body;
    ring = req.near ?? null;
    chosen.clear();
    renderResults();
    if (result.results.length) map.fitBounds(L.featureGroup(pins.getLayers()).getBounds().pad(0.2), { maxZoom: 12 });
    root.querySelector('[data-out]').scrollIntoView({ block: 'start' });
  } catch (err) {
    error.textContent = errorText(err);
    error.hidden = false;
  }
}

async function compare() {
  const ids = [...chosen].join(',');
  const out = root.querySelector('[data-out]');
  try {
    setHtml(out, compareView(await getJSON(`/api/v1/sites/compare?carriers=${ids}`)));
    out.scrollIntoView({ block: 'start' });
  } catch (err) {
    setHtml(out, html`<p class="sites-error" role="alert">${errorText(err)}</p>`);
  }
}

function onOutClick(e) {
  const target = e.target.closest('button, input');
  if (!target) return;
  if (target.dataset.pick) {
    const id = Number(target.dataset.pick);
    if (target.checked && chosen.size >= MAX_COMPARED) target.checked = false;
    else if (target.checked) chosen.add(id);
    else chosen.delete(id);
    const btn = root.querySelector('[data-compare]');
    btn.disabled = chosen.size < 2;
    btn.textContent = s('compare', { n: chosen.size });
    const ask = root.querySelector('[data-inquire-chosen]');
    ask.disabled = chosen.size === 0;
    ask.textContent = s('inquire', { n: chosen.size });
  } else if (target.dataset.inquireChosen) inquireChosen(target.dataset.inquireChosen);
  else if (target.dataset.compare !== undefined) compare();
  else if (target.dataset.back !== undefined) renderResults();
  else if (target.dataset.print !== undefined) window.print();
  else if (target.dataset.focus) {
    const site = result.results.find((r) => r.id === Number(target.dataset.focus));
    const [lng, lat] = site.location.coordinates;
    map.setView(toMap(lat, lng), Math.max(map.getZoom(), 13));
  }
}

/** The inquiry form about the chosen carriers, in the order chosen (the first routes it). */
function inquireChosen(origin) {
  const ids = [...chosen];
  const names = ids.map((id) => result.results.find((r) => r.id === id)?.name).filter(Boolean);
  openInquiry({ kind: 'carriers', ids, name: names.join('、'), origin });
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

function setOpen(open) {
  root.hidden = !open;
  document.body.classList.toggle('sites-open', open);
  button.setAttribute('aria-expanded', String(open));
  if (open && !root.firstChild) build().catch((err) => setHtml(root, html`<p class="sites-error">${errorText(err)}</p>`));
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
  // A new language redraws the panel's words; the form keeps nothing the user must not lose yet.
  state.subscribe((st, changed) => {
    if (!changed.has('lang')) return;
    button.textContent = s('button');
    if (root.firstChild) {
      root.replaceChildren();
      if (!root.hidden) build();
    }
  });
}
