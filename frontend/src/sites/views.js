// Markup of the site-selection panel: the form, the ranked list with its reasons, the comparison
// table. Pure functions of their data (every record text goes through html``, escaped).
import { html } from '../html.js';
import { codeLabel, codeList } from '../i18n.js';
import { pick, s } from './strings.js';
import { compareButton } from './basket.js';

const VERDICT_MARK = { met: '✓', near: '≈', miss: '✗', unknown: '?' };

function check(name, label, on = false) {
  return html`<label class="sites-hard"><input type="checkbox" name="${name}" ${on ? html`checked` : ''}>${label}</label>`;
}

export function formView(cities) {
  return html`<form class="sites-form" novalidate>
    <label>${s('kind')}<select name="kind">${codeList('carrier_kind').map((k) => html`<option value="${k.code}">${codeLabel('carrier_kind', k.code)}</option>`)}</select></label>
    <fieldset><legend>${s('area')} ${check('area_hard', s('hard'), true)}</legend>
      <input name="area_min" type="number" min="0" step="any" inputmode="decimal" placeholder="${s('min')}" aria-label="${s('area')} ${s('min')}">
      <input name="area_max" type="number" min="0" step="any" inputmode="decimal" placeholder="${s('max')}" aria-label="${s('area')} ${s('max')}">
      <select name="area_unit" aria-label="${s('unit')}"><option value="mu">亩 mu</option><option value="ha">公顷 ha</option><option value="m2">m²</option></select>
    </fieldset>
    <fieldset class="sites-chips"><legend>${s('cities')} ${check('regions_hard', s('hard'), true)}</legend>
      ${cities.map((c) => html`<label><input type="checkbox" name="city" value="${c.id}">${c.name}</label>`)}
    </fieldset>
    <fieldset class="sites-chips" data-land-only><legend>${s('landUse')} ${check('land_use_hard', s('hard'), true)}</legend>
      ${codeList('land_use').map((u) => html`<label><input type="checkbox" name="land_use" value="${u.code}">${codeLabel('land_use', u.code)}</label>`)}
    </fieldset>
    <fieldset><legend data-price-label>${s('priceLand')} ${check('price_hard', s('hard'))}</legend>
      <input name="price" type="number" min="0" step="any" inputmode="decimal" aria-label="${s('priceLand')}"></fieldset>
    ${[['airport', 'airport'], ['rail', 'rail'], ['port', 'port']].map(([field, label]) => html`<fieldset>
      <legend>${s(label)} ${check(`${field}_hard`, s('hard'))}</legend>
      <input name="${field}_km" type="number" min="0" step="any" inputmode="decimal" aria-label="${s(label)}"></fieldset>`)}
    <label>${s('industry')}<input name="industry" type="text" maxlength="50"></label>
    <label>${s('radius')}<input name="radius_km" type="number" min="0.1" max="600" step="any" inputmode="decimal"></label>
    <button type="submit" class="btn btn-primary">${s('submit')}</button>
    <p class="sites-error" role="alert" hidden></p>
  </form>`;
}

function verdictLine(v) {
  return html`<li class="verdict verdict-${v.verdict}${v.hard ? ' is-hard' : ''}"><span aria-hidden="true">${VERDICT_MARK[v.verdict]}</span> <span class="verdict-text">${pick(v)}</span></li>`;
}

/** The same match as a file (GET /api/v1/sites/match?r=…&format=…): the shortlist, or the sites on a GIS map. */
export function exportUrl(req, format) {
  return `/api/v1/sites/match?${new URLSearchParams({ r: JSON.stringify(req), format })}`;
}

/** The ranked sites; `basket` ({kind, ids}) is what is set aside for comparison; `req`, when known, gives the export links. */
export function resultsView(result, basket, req = null) {
  const n = basket.kind === 'carrier' ? basket.ids.length : 0;
  const head = html`<p class="sites-summary">${s('matched', result)}</p>
    <p class="sites-excluded">${pick(result.excluded)}</p>
    <details class="sites-rule"><summary>ℹ︎</summary><p>${pick(result.scoring)}</p></details>`;
  if (!result.results.length) return html`${head}<p>${s('none')}</p>`;
  return html`${head}
    <div class="sites-actions"><button type="button" class="btn" data-compare ${n >= 2 ? '' : html`disabled`}>${s('compare', { n })}</button>
      <button type="button" class="btn btn-primary" data-inquire-chosen="match" ${n ? '' : html`disabled`}>${s('inquire', { n })}</button>
      <small>${s('compareHint')}</small>
      ${req ? html`<a class="btn" data-export="xlsx" href="${exportUrl(req, 'xlsx')}" download>${s('exportXlsx')}</a>
        <a class="btn" data-export="geojson" href="${exportUrl(req, 'geojson')}" download="sites.geojson">${s('exportGeojson')}</a>` : ''}</div>
    <ol class="sites-list">${result.results.map((r) => html`<li class="site" data-id="${r.id}">
      <div class="site-head"><span class="site-rank">${r.rank}</span>
        <button type="button" class="linklike" data-focus="${r.id}">${r.name}</button>
        <span class="site-score" title="${s('score')}">${r.score}</span></div>
      <div class="site-sub">${r.park_name} · ${r.region_name} · ${r.area_mu} 亩${r.is_demo ? html` · <em>demo</em>` : ''}</div>
      <ul class="verdicts">${r.verdicts.map(verdictLine)}</ul>
      <div class="site-pick">${compareButton('carrier', r.id)}</div>
    </li>`)}</ol>`;
}

const CODE_GROUPS = { kind: 'carrier_kind', status: 'carrier_status', land_use: 'land_use', level: 'park_level', type: 'park_type' };

function shown(field, value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? s('yes') : s('no');
  if (CODE_GROUPS[field]) return codeLabel(CODE_GROUPS[field], value);
  if (Array.isArray(value)) return value.join('、') || '—';
  if (typeof value === 'object') {
    if ('km' in value) return `${value.km} km · ${value.facility}`;
    if ('min' in value || 'max' in value) {
      if (value.min === null && value.max === null) return '—';
      if (value.min !== null && value.max !== null) return `${value.min}–${value.max}`;
      return value.min !== null ? `≥ ${value.min}` : `≤ ${value.max}`;
    }
    return Object.values(value).join(' / ');
  }
  return String(value);
}

/** The match's verdicts on each compared carrier (`table.requirement`, when opened from a match). */
function askedRows(req) {
  if (!req) return '';
  return html`<tr class="compare-group"><th scope="rowgroup" colspan="${req.scores.length + 1}">${s('asked')}</th></tr>
    <tr data-criterion="score"><th scope="row">${s('matchScore')}</th>${req.scores.map((sc) => html`<td>${sc ?? html`<span class="verdict-miss">${s('excludedScore')}</span>`}</td>`)}</tr>
    ${req.rows.map((row) => html`<tr data-criterion="${row.criterion}"><th scope="row">${pick(row)}${row.hard ? html` <small>(${s('hardMark')})</small>` : ''}</th>
      ${row.values.map((v) => html`<td class="verdict verdict-${v.verdict}" data-verdict="${v.verdict}"><span aria-hidden="true">${VERDICT_MARK[v.verdict]}</span> ${pick(v)}</td>`)}</tr>`)}`;
}

export function compareView(table) {
  return html`<div class="sites-actions"><button type="button" class="btn" data-back>${s('back')}</button>
      <button type="button" class="btn" data-print>${s('print')}</button>
      <button type="button" class="btn btn-primary" data-inquire-chosen="compare">${s('inquireAll')}</button></div>
    <div class="compare-scroll"><table class="compare">
      <thead><tr><th></th>${table.items.map((i) => html`<th scope="col">${i.name}<small>${s('source')}: ${i.source}</small></th>`)}</tr></thead>
      <tbody>${askedRows(table.requirement)}${table.rows.map((row) => html`<tr><th scope="row">${pick(row)}${row.unit ? html` <small>(${row.unit})</small>` : ''}</th>
        ${row.values.map((v, i) => html`<td class="${row.best.includes(i) ? 'is-best' : ''}" title="${v.source}">${shown(row.field, v.value)}${row.best.includes(i) ? html` <b class="best-mark">${s('best')}</b>` : ''}${row.field.startsWith('distances.') && v.source ? html`<small>${v.source}</small>` : ''}</td>`)}</tr>`)}
      </tbody></table></div>
    <p class="hint">${s('straight')}</p>`;
}
