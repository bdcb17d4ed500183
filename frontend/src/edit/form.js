// The edit forms of parks and carriers: which fields, with which labels, how a record read
// from the API becomes form values and how the form becomes the body of a POST or a PATCH.
// Checking the values is the server's job: its errors come back per field
// (`details[].field`) and are shown next to that field here.
import { codeLabel, codeList, getLang, t } from '../i18n.js';
import { html, setHtml } from '../html.js';

// Field types: text, textarea, number, int, date, code (a select of /api/v1/codes), switch,
// check, tri (yes/no/unknown), range (min–max), list (comma separated), county, park, geometry,
// policies (the rows of POLICY_FIELDS).
const PARK_FIELDS = [
  { name: 'published', type: 'switch', label: 'field.published', hint: 'field.publishedHint' },
  { name: 'name', type: 'text', label: 'field.parkName', required: true },
  { name: 'short_name', type: 'text', label: 'field.shortName' },
  { name: 'level', type: 'code', codes: 'park_level', label: 'field.level', required: true, half: true },
  { name: 'type', type: 'code', codes: 'park_type', label: 'field.type', required: true, half: true },
  { name: 'region_adcode', type: 'county', label: 'field.region', required: true },
  { name: 'location', type: 'geometry', geometry: 'point', label: 'field.location', hint: 'field.locationHint', required: true },
  { name: 'location_precision', type: 'code', codes: 'location_precision', label: 'field.precision' },
  { name: 'approval_date', type: 'text', label: 'field.approvalDate', placeholder: 'YYYY-MM-DD', half: true },
  { name: 'approved_area_ha', type: 'number', label: 'field.approvedArea', half: true },
  { name: 'leading_industries', type: 'list', label: 'field.industries', hint: 'field.listHint' },
  { name: 'profile', type: 'textarea', label: 'field.profile' },
  { name: 'hotline', type: 'text', label: 'field.hotline', placeholder: '0791-88888888', half: true },
  { name: 'website', type: 'text', label: 'field.website', placeholder: 'https://', half: true },
  { name: 'service_address', type: 'text', label: 'field.serviceAddress' },
  { name: 'policies', type: 'policies', label: 'field.policies', hint: 'field.policiesHint' },
  { name: 'source', type: 'text', label: 'field.source', required: true },
  { name: 'as_of', type: 'date', label: 'field.asOf' },
];
// One investment policy (招商政策) of a park. Each row's inputs are named as the server names
// their problems ("policies.1.url"), so an error lands under the field of its row.
const POLICY_FIELDS = [
  { name: 'title', type: 'text', label: 'field.policyTitle', required: true },
  { name: 'issuer', type: 'text', label: 'field.policyIssuer', required: true, half: true },
  { name: 'issued_on', type: 'date', label: 'field.policyDate', half: true },
  { name: 'summary', type: 'textarea', label: 'field.policySummary' },
  { name: 'url', type: 'text', label: 'field.policyUrl', placeholder: 'https://' },
];

const CARRIER_COMMON = [
  { name: 'published', type: 'switch', label: 'field.published', hint: 'field.publishedHint' },
  { name: 'kind', type: 'code', codes: 'carrier_kind', label: 'field.kind', required: true, createOnly: true, half: true },
  { name: 'status', type: 'code', codes: 'carrier_status', label: 'field.status', required: true, half: true },
  { name: 'name', type: 'text', label: 'field.carrierName', required: true },
  { name: 'park_id', type: 'park', label: 'field.park', required: true, createOnly: true },
];
const LAND_FIELDS = [
  { name: 'geometry', type: 'geometry', geometry: 'polygon', label: 'field.plot', hint: 'field.plotHint', required: true },
  { name: 'area_mu', type: 'number', label: 'field.areaMu', hint: 'field.areaMuHint', half: true },
  { name: 'land_use', type: 'code', codes: 'land_use', label: 'field.landUse', half: true },
  { name: 'plot_ratio', type: 'range', label: 'field.plotRatio' },
  { name: 'building_density_pct', type: 'range', label: 'field.density' },
  { name: 'green_ratio_pct', type: 'range', label: 'field.green' },
  { name: 'height_limit_m', type: 'range', label: 'field.height' },
  { name: 'price_wan_per_mu', type: 'number', label: 'field.price', half: true },
  { name: 'lease_term_years', type: 'int', label: 'field.term', half: true },
  { name: 'readiness', type: 'text', label: 'field.readiness', placeholder: '七通一平' },
];
const BUILDING_FIELDS = [
  { name: 'geometry', type: 'geometry', geometry: 'point', label: 'field.building', hint: 'field.buildingHint', required: true },
  { name: 'area_m2', type: 'number', label: 'field.areaM2', required: true, half: true },
  { name: 'floors', type: 'int', label: 'field.floors', half: true },
  { name: 'rent_yuan_m2_month', type: 'number', label: 'field.rent', half: true },
  { name: 'sale_price_yuan_m2', type: 'number', label: 'field.salePrice', half: true },
  { name: 'storey_height_m', type: 'number', label: 'field.storey', half: true },
  { name: 'floor_load_t_m2', type: 'number', label: 'field.load', half: true },
  { name: 'has_crane', type: 'tri', label: 'field.crane' },
];
const CARRIER_TAIL = [
  { name: 'is_standard_land', type: 'check', label: 'field.standardLand' },
  { name: 'investment_intensity_wan_per_mu', type: 'number', label: 'field.intensity', half: true },
  { name: 'tax_per_mu_wan', type: 'number', label: 'field.tax', half: true },
  { name: 'energy_tce_per_wan', type: 'number', label: 'field.energy' },
  { name: 'description', type: 'textarea', label: 'field.description' },
  { name: 'source', type: 'text', label: 'field.source', required: true },
  { name: 'as_of', type: 'date', label: 'field.asOf' },
];

/** The fields of a park, or of a carrier of `carrierKind` (land | factory | office). */
export function fieldsFor(kind, carrierKind = 'land') {
  if (kind === 'park') return PARK_FIELDS;
  return [...CARRIER_COMMON, ...(carrierKind === 'land' ? LAND_FIELDS : BUILDING_FIELDS), ...CARRIER_TAIL];
}

/** Every label and hint key the forms use (checked against i18n by the unit tests). */
export function allLabelKeys() {
  const all = [...PARK_FIELDS, ...POLICY_FIELDS, ...CARRIER_COMMON, ...LAND_FIELDS, ...BUILDING_FIELDS, ...CARRIER_TAIL];
  return [...new Set(all.flatMap((f) => [f.label, f.hint].filter(Boolean)))];
}

const isRange = (v) => v && typeof v === 'object' && ('min' in v || 'max' in v);

/** A policy as the server stores it: its fields in one order, the empty ones left out (so that
 * a row read back from the form compares equal to the one the API gave). */
function policyOf(p) {
  const out = {};
  POLICY_FIELDS.forEach(({ name }) => {
    const v = typeof p[name] === 'string' ? p[name].trim() : p[name];
    if (v !== null && v !== undefined && v !== '') out[name] = v;
  });
  return out;
}

const policyName = (i, name) => `policies.${i}.${name}`;

/** The policy rows of the form, in order (an empty row included: the server says what it lacks). */
function readPolicies(form) {
  return [...form.querySelectorAll('[data-policy]')].map((row, i) => policyOf(Object.fromEntries(
    POLICY_FIELDS.map(({ name }) => [name, form.elements.namedItem(policyName(i, name)).value]))));
}

/** A record as the API reads it -> the values the form edits (same names as the API's input). */
export function valuesOf(kind, item) {
  const values = {};
  fieldsFor(kind, item.kind).forEach((f) => {
    let v = item[f.name];
    if (f.type === 'range' && isRange(v) && v.min === null && v.max === null) v = null;
    if (f.type === 'policies') v = (v ?? []).map(policyOf);
    values[f.name] = v ?? null;
  });
  return values;
}

function numberOrText(raw) {
  const text = raw.trim();
  if (text === '') return null;
  const n = Number(text.replace(/,/g, ''));
  // Anything not a number goes to the server as typed: it says what is wrong with it.
  return Number.isFinite(n) ? n : text;
}

/** Read the form's values back (geometry comes from the map editor, not from the form). */
export function readForm(form, fields, geometry) {
  const values = {};
  const el = (name) => form.elements.namedItem(name);
  fields.forEach((f) => {
    if (f.type === 'geometry') values[f.name] = geometry;
    else if (f.type === 'policies') values[f.name] = readPolicies(form);
    else if (f.type === 'switch' || f.type === 'check') values[f.name] = el(f.name).checked;
    else if (f.type === 'range') {
      const min = numberOrText(el(`${f.name}.min`).value);
      const max = numberOrText(el(`${f.name}.max`).value);
      values[f.name] = min === null && max === null ? null : { min, max };
    } else if (f.type === 'number' || f.type === 'int') values[f.name] = numberOrText(el(f.name).value);
    else if (f.type === 'park') values[f.name] = el(f.name).value ? Number(el(f.name).value) : null;
    else if (f.type === 'tri') values[f.name] = { yes: true, no: false }[el(f.name).value] ?? null;
    else if (f.type === 'list') values[f.name] = el(f.name).value.split(/[,，、;；\n]/).map((s) => s.trim()).filter(Boolean);
    else {
      const text = el(f.name).value.trim();
      values[f.name] = text === '' ? null : text;
    }
  });
  return values;
}

/**
 * The body to send: for a new record every value that is set; for an edit only what changed
 * (a JSON merge patch: a cleared field is sent as null). A land plot whose area was cleared
 * is measured again from its parcel by the server.
 */
export function bodyFor(values, initial) {
  const body = {};
  Object.entries(values).forEach(([k, v]) => {
    if (initial === null) {
      if (v !== null && !(Array.isArray(v) && !v.length)) body[k] = v;
    } else if (JSON.stringify(v) !== JSON.stringify(initial[k] ?? (Array.isArray(v) ? [] : null))) {
      body[k] = v;
    }
  });
  return body;
}

function input(f, value, attrs = '') {
  const common = html`name="${f.name}" id="e-${f.name}" ${f.required ? html`aria-required="true"` : ''} ${attrs}`;
  switch (f.type) {
    case 'textarea': return html`<textarea ${common} rows="4">${value ?? ''}</textarea>`;
    case 'number': case 'int':
      return html`<input ${common} type="text" inputmode="decimal" value="${value ?? ''}">`;
    case 'date': return html`<input ${common} type="date" value="${value ?? ''}">`;
    case 'list': return html`<input ${common} type="text" value="${(value ?? []).join('、')}">`;
    case 'tri': return html`<select ${common}><option value="">${t('detail.none')}</option>
      <option value="yes" ${value === true ? 'selected' : ''}>${t('detail.yes')}</option>
      <option value="no" ${value === false ? 'selected' : ''}>${t('detail.no')}</option></select>`;
    case 'code': return html`<select ${common}>${f.required ? '' : html`<option value="">${t('detail.none')}</option>`}
      ${codeList(f.codes).map((c) => html`<option value="${c.code}" ${c.code === value ? 'selected' : ''}>${codeLabel(f.codes, c.code)}</option>`)}</select>`;
    default: return html`<input ${common} type="text" value="${value ?? ''}" ${f.placeholder ? html`placeholder="${f.placeholder}"` : ''}>`;
  }
}

function regionOptions(tree, value) {
  return html`<option value="">${t('field.choose')}</option>${tree.map((city) => html`<optgroup label="${city.name}">
    ${city.counties.map((c) => html`<option value="${c.adcode}" ${c.adcode === value ? 'selected' : ''}>${c.name}</option>`)}
  </optgroup>`)}`;
}

function parkOptions(parkList, value) {
  return html`<option value="">${t('field.choose')}</option>${parkList.map((p) =>
    html`<option value="${p.id}" ${p.id === value ? 'selected' : ''}>${p.name}</option>`)}`;
}

function control(f, value, ctx) {
  const label = html`${t(f.label)}${f.required ? html`<i class="req" aria-hidden="true">*</i>` : ''}`;
  const hint = f.hint ? html`<small class="field-hint">${t(f.hint)}</small>` : '';
  const wrap = (inner, extra = '') => html`<div class="field ${f.half ? 'half' : ''} ${extra}" data-field="${f.name}">
    ${inner}${hint}<p class="field-error" role="alert" hidden></p></div>`;
  switch (f.type) {
    case 'switch':
      return wrap(html`<label class="switch"><input type="checkbox" name="${f.name}" id="e-${f.name}" role="switch" ${value ? 'checked' : ''}>
        <span class="switch-track" aria-hidden="true"></span><span class="switch-label">${t(f.label)}</span></label>`, 'field-switch');
    case 'check':
      return wrap(html`<label class="check"><input type="checkbox" name="${f.name}" id="e-${f.name}" ${value ? 'checked' : ''}>
        <span>${t(f.label)}</span></label>`);
    case 'range':
      return wrap(html`<span class="field-label">${label}</span><div class="range-inputs">
        <input name="${f.name}.min" id="e-${f.name}-min" type="text" inputmode="decimal" placeholder="${t('field.min')}" value="${value?.min ?? ''}">
        <span aria-hidden="true">–</span>
        <input name="${f.name}.max" id="e-${f.name}-max" type="text" inputmode="decimal" placeholder="${t('field.max')}" value="${value?.max ?? ''}"></div>`);
    case 'geometry':
      return wrap(html`<span class="field-label">${label}</span>
        <div class="geom-status" data-geom-status></div>
        <div class="geom-actions">
          <button type="button" class="btn btn-small" data-geom="undo">${t('field.undo')}</button>
          <button type="button" class="btn btn-small" data-geom="clear">${t('field.clear')}</button>
          <button type="button" class="btn btn-small" data-geom="fit">${t('field.showOnMap')}</button></div>`, 'field-geometry');
    case 'county':
      return wrap(html`<label for="e-${f.name}" class="field-label">${label}</label>
        <select name="${f.name}" id="e-${f.name}">${regionOptions(ctx.regionTree, value)}</select>`);
    case 'park':
      return wrap(html`<label for="e-${f.name}" class="field-label">${label}</label>
        <select name="${f.name}" id="e-${f.name}" ${ctx.isNew ? '' : 'disabled'}>${parkOptions(ctx.parks, value)}</select>`);
    case 'policies':
      return wrap(html`<span class="field-label">${label}</span><div data-policies>${policyRows(value ?? [])}</div>
        <button type="button" class="btn btn-small" data-policy-add>${t('field.policyAdd')}</button>`, 'field-policies');
    default:
      return wrap(html`<label for="e-${f.name}" class="field-label">${label}</label>${input(f, value,
        f.createOnly && !ctx.isNew ? 'disabled' : '')}`);
  }
}

function policyRows(list) {
  return html`${list.map((p, i) => html`<fieldset class="policy" data-policy="${i}">
    <legend>${t('field.policyN', { n: i + 1 })}</legend>
    <div class="fields">${POLICY_FIELDS.map((f) => control({ ...f, name: policyName(i, f.name) }, p[f.name], {}))}</div>
    <button type="button" class="btn btn-small" data-policy-remove="${i}">${t('field.policyRemove')}</button>
  </fieldset>`)}`;
}

/**
 * Add a policy row (`remove` null) or remove row `remove`: the rows are drawn again from what
 * is typed in them, numbered afresh. Focus goes to the new row's title, or to the add button.
 */
export function changePolicies(form, remove = null) {
  const list = readPolicies(form);
  if (remove === null) list.push({});
  else list.splice(remove, 1);
  setHtml(form.querySelector('[data-policies]'), policyRows(list));
  const focus = remove === null ? form.elements.namedItem(policyName(list.length - 1, 'title'))
    : form.querySelector('[data-policy-add]');
  focus.focus();
}

/** The form's fields as HTML. ctx: {isNew, regionTree, parks}. */
export function fieldsHtml(fields, values, ctx) {
  return html`${fields.map((f) => control(f, values[f.name], ctx))}`;
}

/**
 * Show the server's problems next to their fields: "plot_ratio.min" goes to plot_ratio,
 * "geometry.coordinates[0]" to geometry. Returns the problems no field of the form took,
 * for the message at the top.
 */
export function showProblems(form, details) {
  // A field's own message is its child: a list of policies holds the fields of its rows.
  form.querySelectorAll('.field.has-error').forEach((el) => {
    el.classList.remove('has-error');
    el.querySelector(':scope > .field-error').hidden = true;
  });
  const left = [];
  const zh = getLang() === 'zh';
  details.forEach((d) => {
    const parts = String(d.field).split(/[.[]/);
    let target = null;
    for (let n = parts.length; n > 0 && !target; n -= 1) {
      target = form.querySelector(`.field[data-field="${CSS.escape(parts.slice(0, n).join('.'))}"]`);
    }
    if (!target) {
      left.push(d);
      return;
    }
    const box = target.querySelector(':scope > .field-error');
    const text = zh ? d.problem_zh : d.problem;
    box.textContent = box.hidden ? text : `${box.textContent}；${text}`;
    box.hidden = false;
    target.classList.add('has-error');
  });
  form.querySelector('.field.has-error')?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  return left;
}
