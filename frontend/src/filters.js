// The filter form and the chips of active filters. The form only writes state.filters;
// data.js reloads, and the map and the list follow.
import { codeLabel, codeList, t } from './i18n.js';
import * as state from './state.js';
import { clusters, regionName, regionTree, regions } from './data.js';
import { fitGeometry } from './navigate.js';
import { s as words } from './sites/strings.js';
import { brochureLinks, regionScope } from './views/brochure.js';
import { bookletButton, initBooklets } from './booklet.js';
import { isStaff } from './auth.js';
import { html, setHtml } from './html.js';
import { areaRangeInverted } from './urlcheck.js';

let root;
let cityOptions = [];
let clusterList = [];
let industries = [];
let regionsOpen = false; // the region boxes are unfolded
const NUMBER = html`min="0" step="any" inputmode="decimal"`;

function select(key, options, anyLabel = t('filters.any')) {
  const value = state.get().filters[key] ?? '';
  return html`<select name="${key}" id="f-${key}"><option value="">${anyLabel}</option>${options.map(([v, label]) =>
    html`<option value="${v}" ${String(v) === value ? 'selected' : ''}>${label}</option>`)}</select>`;
}

function codeOptions(group) {
  return codeList(group).map((c) => [c.code, codeLabel(group, c.code)]);
}

const chosenRegions = (filters = state.get().filters) => (filters.region ?? '').split(',').filter(Boolean);

function regionSummary() {
  const chosen = chosenRegions();
  if (chosen.length > 1) return words('regionsChosen', { n: chosen.length });
  return chosen.length ? regionName(chosen[0]) ?? chosen[0] : t('filters.allCities');
}

/** Several cities or counties at once: a city's box stands for all its counties. */
function regionPicker() {
  const chosen = new Set(chosenRegions());
  const box = (adcode, name) => html`<label><input type="checkbox" name="region" value="${adcode}"
    ${chosen.has(adcode) ? 'checked' : ''}>${name}</label>`;
  // A button and a box, not a <details>: the form's own <details> is the one summary of #filters.
  return html`<div class="region-multi" id="f-region"><button type="button" class="region-toggle" data-region-toggle
      aria-expanded="${String(regionsOpen)}" aria-controls="f-region-options"><span data-region-summary>${regionSummary()}</span></button>
    <div class="region-options" id="f-region-options" ${regionsOpen ? '' : html`hidden`}>${cityOptions.map((city) => html`<fieldset class="region-city">
      <legend>${box(city.adcode, `${city.name}（${t('filters.wholeCity')}）`)}</legend>
      ${city.counties.map((c) => box(c.adcode, c.name))}</fieldset>`)}</div></div>`;
}

/** Bring the chosen regions into view (their outlines, as the regions layer has them). */
async function focusRegions(adcodes) {
  if (!adcodes.length) return;
  const levels = await Promise.all([regions('city'), regions('county')]);
  const outlines = levels.flatMap((fc) => fc.features).filter((f) => adcodes.includes(f.id)).map((f) => f.geometry.coordinates);
  // Not animated: Leaflet drops a new view asked for during a zoom animation (two boxes ticked fast).
  if (outlines.length) fitGeometry({ coordinates: outlines }, 11, { animate: false });
}

function input(key, type, attrs = html``) {
  const value = state.get().filters[key] ?? '';
  return html`<input name="${key}" id="f-${key}" type="${type}" value="${value}" ${attrs}>`;
}

function industryOptions() {
  return html`${industries.map((i) => html`<option value="${i}">`)}`;
}

/** How an active filter reads in a chip. */
function chipText(key, value) {
  switch (key) {
    case 'q': return t('filters.name', { q: value });
    case 'level': return codeLabel('park_level', value);
    case 'type': return codeLabel('park_type', value);
    case 'kind': return codeLabel('carrier_kind', value);
    case 'status': return codeLabel('carrier_status', value);
    case 'land_use': return `${words('landUse')}：${codeLabel('land_use', value)}`;
    case 'region': return value.split(',').map((a) => regionName(a) ?? a).join('、');
    case 'cluster': return clusterList.find((c) => String(c.id) === value)?.name ?? value;
    case 'industry': return `${t('filters.industry')}：${value}`;
    case 'min_area': return `≥ ${value} ${t('unit.mu')}`;
    case 'max_area': return `≤ ${value} ${t('unit.mu')}`;
    case 'max_price': return `≤ ${value} ${t('unit.wanPerMu')}`;
    case 'within_km': return words('ringChip', { km: value });
    case 'max_km_to_airport': return words('kmTo', { km: value, what: words('airportWord') });
    case 'max_km_to_rail_station': return words('kmTo', { km: value, what: words('railWord') });
    case 'max_km_to_port': return words('kmTo', { km: value, what: words('portWord') });
    default: return value;
  }
}

/** The 招商指南 of the region and the cluster the list is filtered on. */
function guides(filters) {
  const scopes = [
    // One region has a guide; several have one each, which their chips would crowd out.
    chosenRegions(filters).length === 1 && filters.region !== '360000'
      ? [regionScope(filters.region), filters.region, chipText('region', filters.region)] : null,
    filters.cluster ? ['cluster', filters.cluster, chipText('cluster', filters.cluster)] : null,
  ].filter(Boolean);
  return scopes.map(([scope, key, name]) => html`<div class="guide" data-guide="${scope}">
    <span>${t('brochure.guide')}：${name}</span>${brochureLinks(scope, key)}
    ${scope === 'city' && isStaff() ? bookletButton(key) : ''}</div>`);
}

/** The count in the summary, the chips of the active filters and the area range's flag: what a
 * change made in the form updates, leaving the form itself (its focus, what is typed) alone. */
function renderStatus() {
  const { filters } = state.get();
  const n = state.activeFilterCount(filters);
  setHtml(root.querySelector('[data-filter-pill]'),
    n ? html`<span class="pill" data-filter-count="${n}">${t('filters.active', { n })}</span>` : html``);
  // The radius's centre has no chip of its own: its size's chip stands for the ring.
  setHtml(root.querySelector('[data-chips]'), html`${n ? html`<div class="chips">${Object.entries(filters).filter(([k]) => k !== 'near').map(([k, v]) => html`<button
      type="button" class="chip" data-remove="${k}" title="×">${chipText(k, v)}<span aria-hidden="true">×</span></button>`)}
    <button type="button" class="chip chip-clear" data-clear>${t('filters.clear')}</button></div>` : ''}
    ${guides(filters)}`);
  const inverted = areaRangeInverted(filters);
  const flag = root.querySelector('[data-area-error]');
  flag.hidden = !inverted;
  ['min_area', 'max_area'].forEach((key) => {
    const field = root.querySelector(`#f-${key}`);
    if (inverted) field.setAttribute('aria-invalid', 'true');
    else field.removeAttribute('aria-invalid');
  });
}

function render() {
  const open = root.querySelector('details')?.open ?? false;
  const active = document.activeElement;
  const had = root.contains(active) ? { id: active.id, value: active.tagName === 'INPUT' ? active.value : null } : null;
  setHtml(root, html`
    <details ${open ? 'open' : ''}>
      <summary><span>${t('filters.title')}</span> <span data-filter-pill></span></summary>
      <form class="filter-form" autocomplete="off">
        <fieldset><legend>${t('filters.parks')}</legend>
          <div class="field"><span>${words('regions')}</span>${regionPicker()}</div>
          <div class="row2">
            <label><span>${t('filters.level')}</span>${select('level', codeOptions('park_level'))}</label>
            <label><span>${t('filters.type')}</span>${select('type', codeOptions('park_type'))}</label>
          </div>
          <label><span>${t('filters.industry')}</span>${input('industry', 'search',
            html`list="industry-list" placeholder="${t('filters.industryPlaceholder')}"`)}</label>
          <datalist id="industry-list">${industryOptions()}</datalist>
          <label><span>${t('filters.cluster')}</span>${select('cluster', clusterList.map((c) => [c.id, c.name]))}</label>
        </fieldset>
        <fieldset><legend>${t('filters.carriers')}</legend>
          <div class="row2">
            <label><span>${t('filters.kind')}</span>${select('kind', codeOptions('carrier_kind'))}</label>
            <label><span>${t('filters.status')}</span>${select('status', codeOptions('carrier_status'))}</label>
          </div>
          <div class="row2">
            <label><span>${t('filters.area')} ${t('filters.areaMin')}</span>${input('min_area', 'number',
              html`${NUMBER} aria-describedby="f-area-error"`)}</label>
            <label><span>${t('filters.area')} ${t('filters.areaMax')}</span>${input('max_area', 'number',
              html`${NUMBER} aria-describedby="f-area-error"`)}</label>
          </div>
          <p class="field-error" id="f-area-error" role="alert" data-area-error hidden>${t('filters.areaInverted')}</p>
          <label><span>${t('filters.maxPrice')}</span>${input('max_price', 'number', NUMBER)}</label>
          <label><span>${words('landUse')}</span>${select('land_use', codeOptions('land_use'))}</label>
          <p class="hint">${t('filters.carrierNote')}</p>
        </fieldset>
        <fieldset data-place><legend>${words('place')}</legend>
          <div class="row2">
            <label><span>${words('withinKm')}</span>${input('within_km', 'number', html`min="0.1" max="300" step="any" inputmode="decimal"`)}</label>
            <button type="button" class="btn" data-ring-centre>${words('useCentre')}</button>
          </div>
          ${[['max_km_to_airport', 'maxKmAirport'], ['max_km_to_rail_station', 'maxKmRail'], ['max_km_to_port', 'maxKmPort']].map(([key, label]) =>
            html`<label><span>${words(label)}</span>${input(key, 'number', html`min="0.1" max="1000" step="any" inputmode="decimal"`)}</label>`)}
        </fieldset>
      </form>
    </details>
    <div data-chips></div>`);
  renderStatus();
  // Rebuilt for a change made elsewhere (a chip, the URL, the language, the lists of options
  // arriving): focus and what is typed stay in their field, or focus goes back to the form's
  // head when what had it is gone (a chip).
  if (!had) return;
  const back = had.id ? root.querySelector(`#${CSS.escape(had.id)}`) : null;
  if (back && had.value !== null) back.value = had.value;
  (back ?? root.querySelector('summary')).focus();
}

let changingInForm = false;

function onChange(e) {
  const el = e.target;
  if (!el.name) return;
  const value = el.name === 'region'
    ? [...root.querySelectorAll('input[name=region]:checked')].map((box) => box.value).join(',') : el.value.trim();
  if (el.type === 'number' && value !== '' && !(Number(value) >= 0)) return; // the browser marks it invalid
  // The form already shows this value: only what depends on it is redrawn, so the field the
  // keyboard moved to (min → Tab → max) keeps its focus and what is typed there.
  changingInForm = true;
  try {
    if (el.name === 'within_km') state.setFilters({ within_km: value, near: value ? state.get().filters.near ?? mapCentre() : '' });
    else state.setFilters({ [el.name]: value });
  } finally {
    changingInForm = false;
  }
  if (el.name === 'region') {
    root.querySelector('[data-region-summary]').textContent = regionSummary();
    focusRegions(chosenRegions()).catch(() => { /* the outlines failed: the map stays where it is */ });
  }
}

/** The map's centre as the API's near=lon,lat (WGS-84, ~1 m). */
function mapCentre() {
  const { view } = state.get();
  return view ? `${view.lng.toFixed(5)},${view.lat.toFixed(5)}` : '';
}

export function clearFilters() {
  state.set({ filters: {} });
}

export function initFilters(element) {
  root = element;
  root.addEventListener('change', onChange);
  root.addEventListener('submit', (e) => e.preventDefault());
  initBooklets(root);
  root.addEventListener('click', (e) => {
    const chip = e.target.closest('[data-remove]');
    if (chip) state.setFilters(chip.dataset.remove === 'within_km' ? { within_km: '', near: '' } : { [chip.dataset.remove]: '' });
    if (e.target.closest('[data-ring-centre]') && state.get().filters.within_km) state.setFilters({ near: mapCentre() });
    if (e.target.closest('[data-clear]')) clearFilters();
    const toggle = e.target.closest('[data-region-toggle]');
    if (toggle) {
      regionsOpen = !regionsOpen;
      toggle.setAttribute('aria-expanded', String(regionsOpen));
      root.querySelector('#f-region-options').hidden = !regionsOpen;
    }
  });
  const loadTree = () => regionTree().then((tree) => {
    cityOptions = tree;
    render();
  }).catch(() => { /* the select keeps "whole province"; the regions layer reports the failure */ });
  loadTree();
  clusters().then((list) => { clusterList = list; render(); }).catch(() => {});
  state.subscribe((s, changed) => {
    if (changed.has('lang')) loadTree(); // the region names in the new language
    if (changed.has('lang') || (changed.has('filters') && !changingInForm)) render();
    else if (changed.has('filters')) renderStatus();
  });
  render();
}

/** Offer the industries of the parks on the map as suggestions for the industry field. */
export function setIndustries(list) {
  const next = [...new Set(list)].sort((a, b) => a.localeCompare(b, 'zh'));
  if (next.join() === industries.join()) return;
  industries = next;
  const datalist = root.querySelector('#industry-list');
  if (datalist) setHtml(datalist, industryOptions());
}
