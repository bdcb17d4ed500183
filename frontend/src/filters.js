// The filter form and the chips of active filters. The form only writes state.filters;
// data.js reloads, and the map and the list follow.
import { codeLabel, codeList, t } from './i18n.js';
import * as state from './state.js';
import { clusters, regionName, regionTree } from './data.js';
import { brochureLinks, regionScope } from './views/brochure.js';
import { bookletButton, initBooklets } from './booklet.js';
import { isStaff } from './auth.js';
import { html, setHtml } from './html.js';

let root;
let cityOptions = [];
let clusterList = [];
let industries = [];
const NUMBER = html`min="0" step="any" inputmode="decimal"`;

function select(key, options, anyLabel = t('filters.any')) {
  const value = state.get().filters[key] ?? '';
  return html`<select name="${key}" id="f-${key}"><option value="">${anyLabel}</option>${options.map(([v, label]) =>
    html`<option value="${v}" ${String(v) === value ? 'selected' : ''}>${label}</option>`)}</select>`;
}

function codeOptions(group) {
  return codeList(group).map((c) => [c.code, codeLabel(group, c.code)]);
}

function regionSelect() {
  const value = state.get().filters.region ?? '';
  const groups = cityOptions.map((city) => html`<optgroup label="${city.name}">
      <option value="${city.adcode}" ${value === city.adcode ? 'selected' : ''}>${city.name}（${t('filters.wholeCity')}）</option>
      ${city.counties.map((c) => html`<option value="${c.adcode}" ${value === c.adcode ? 'selected' : ''}>${c.name}</option>`)}
    </optgroup>`);
  return html`<select name="region" id="f-region"><option value="">${t('filters.allCities')}</option>${groups}</select>`;
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
    case 'region': return regionName(value) ?? value;
    case 'cluster': return clusterList.find((c) => String(c.id) === value)?.name ?? value;
    case 'industry': return `${t('filters.industry')}：${value}`;
    case 'min_area': return `≥ ${value} ${t('unit.mu')}`;
    case 'max_area': return `≤ ${value} ${t('unit.mu')}`;
    case 'max_price': return `≤ ${value} ${t('unit.wanPerMu')}`;
    default: return value;
  }
}

/** The 招商指南 of the region and the cluster the list is filtered on. */
function guides(filters) {
  const scopes = [
    filters.region && filters.region !== '360000' ? [regionScope(filters.region), filters.region, chipText('region', filters.region)] : null,
    filters.cluster ? ['cluster', filters.cluster, chipText('cluster', filters.cluster)] : null,
  ].filter(Boolean);
  return scopes.map(([scope, key, name]) => html`<div class="guide" data-guide="${scope}">
    <span>${t('brochure.guide')}：${name}</span>${brochureLinks(scope, key)}
    ${scope === 'city' && isStaff() ? bookletButton(key) : ''}</div>`);
}

function render() {
  const { filters } = state.get();
  const n = state.activeFilterCount(filters);
  const open = root.querySelector('details')?.open ?? false;
  setHtml(root, html`
    <details ${open ? 'open' : ''}>
      <summary><span>${t('filters.title')}</span>
        ${n ? html`<span class="pill" data-filter-count="${n}">${t('filters.active', { n })}</span>` : ''}</summary>
      <form class="filter-form" autocomplete="off">
        <fieldset><legend>${t('filters.parks')}</legend>
          <label><span>${t('filters.region')}</span>${regionSelect()}</label>
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
            <label><span>${t('filters.area')} ${t('filters.areaMin')}</span>${input('min_area', 'number', NUMBER)}</label>
            <label><span>${t('filters.area')} ${t('filters.areaMax')}</span>${input('max_area', 'number', NUMBER)}</label>
          </div>
          <label><span>${t('filters.maxPrice')}</span>${input('max_price', 'number', NUMBER)}</label>
          <p class="hint">${t('filters.carrierNote')}</p>
        </fieldset>
      </form>
    </details>
    ${n ? html`<div class="chips">${Object.entries(filters).map(([k, v]) => html`<button type="button" class="chip"
        data-remove="${k}" title="×">${chipText(k, v)}<span aria-hidden="true">×</span></button>`)}
      <button type="button" class="chip chip-clear" data-clear>${t('filters.clear')}</button></div>` : ''}
    ${guides(filters)}`);
}

function onChange(e) {
  const el = e.target;
  if (!el.name) return;
  const value = el.value.trim();
  if (el.type === 'number' && value !== '' && !(Number(value) >= 0)) return; // the browser marks it invalid
  state.setFilters({ [el.name]: value });
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
    if (chip) state.setFilters({ [chip.dataset.remove]: '' });
    if (e.target.closest('[data-clear]')) clearFilters();
  });
  regionTree().then((tree) => {
    cityOptions = tree;
    render();
  }).catch(() => { /* the select keeps "whole province"; the regions layer reports the failure */ });
  clusters().then((list) => { clusterList = list; render(); }).catch(() => {});
  state.subscribe((s, changed) => { if (changed.has('filters') || changed.has('lang')) render(); });
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
