// The markup of the detail drawer of a park or a carrier. Provenance (source, as-of date, demo
// flag) sits right under the title: users distrust undated data, and demo rows must never pass
// for real listings.
import { codeLabel, getLang, t } from '../i18n.js';
import { area, date, num, range, withUnit } from '../format.js';
import { html } from '../html.js';
import { regionName } from '../data.js';
import { localName, parkName, parkNameHtml } from '../names.js';
import { draftBadge, staffBar } from './staff.js';
import { brochureLinks } from './brochure.js';
import { compareButton } from '../sites/basket.js';
import { s as words } from '../sites/strings.js';

function row(label, value) {
  return html`<div class="kv"><dt>${label}</dt><dd>${value}</dd></div>`;
}

/** A link only for a web address; anything else (a javascript: URL) stays text. */
function webLink(url) {
  return /^https?:\/\//i.test(url) ? html`<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>` : url;
}

function provenance(item) {
  const repost = item.source_kind === 'repost';
  return html`<div class="provenance" data-provenance>
    ${item.is_demo ? html`<p class="demo-banner" data-demo><b>${t('detail.demo')}</b> ${t('detail.demoNote')}</p>` : ''}
    <p><span class="prov-label">${t('detail.provenance')}</span> <span class="prov-source">${item.source}</span>
      ${repost ? html`<span class="badge repost" data-repost title="${t('detail.repostNote')}">${t('detail.repost')}</span>` : ''}</p>
    ${item.evidence ? html`<p data-evidence><span class="prov-label">${t('detail.evidence')}</span> ${item.evidence}</p>` : ''}
    <p><span class="prov-label">${t('detail.asOf')}</span> <b data-as-of>${date(item.as_of)}</b>
       <span class="prov-sep">·</span><span class="prov-label">${t('detail.updated')}</span> ${date(item.updated_at)}</p>
  </div>`;
}

/** The drawer's header; `dotClass` names the type or status dot beside the title. */
function head(title, subtitle, badges, dotClass) {
  return html`<header class="detail-head">
    <button type="button" class="detail-close" data-close aria-label="${t('detail.close')}" title="${t('detail.close')}">×</button>
    <div class="detail-title">${dotClass ? html`<span class="${dotClass}"></span>` : ''}
      <div><h2>${title}</h2>${subtitle ? html`<p class="detail-sub">${subtitle}</p>` : ''}</div></div>
    <div class="badges">${badges}</div>
  </header>`;
}

function carrierLine(c) {
  const price = c.price_wan_per_mu !== null ? withUnit(c.price_wan_per_mu, 'unit.wanPerMu')
    : c.rent_yuan_m2_month !== null ? withUnit(c.rent_yuan_m2_month, 'unit.yuanM2Month') : '';
  const ratio = c.plot_ratio && (c.plot_ratio.min !== null || c.plot_ratio.max !== null)
    ? ` · ${t('detail.plotRatio')} ${range(c.plot_ratio)}` : '';
  return html`<li><button type="button" class="link-row" data-open-carrier="${c.id}">
    <span class="status-dot s-${c.status}"></span>
    <span><b>${c.name}</b><small>${codeLabel('carrier_kind', c.kind)} · ${area(c.area_m2)}${ratio}${price ? ` · ${price}` : ''}</small></span>
  </button></li>`;
}

/** Contacts are officers: the API gives them to signed-in staff only, and leaves the field out otherwise. */
function contactsHtml(contacts) {
  if (contacts === undefined) return html`<p class="muted">${t('detail.contactsStaffOnly')}</p>`;
  if (!contacts.length) return html`<p class="muted">${t('detail.noContacts')}</p>`;
  return html`<ul class="contacts">${contacts.map((c) => html`<li><b>${c.name}</b>${c.role ? ` · ${c.role}` : ''}
    ${c.phone ? html`<br><a href="tel:${c.phone}">${c.phone}</a>` : ''}
    ${c.email ? html`<br><a href="mailto:${c.email}">${c.email}</a>` : ''}</li>`)}</ul>`;
}

/** The park's public contact (hotline, website, service centre): for every visitor. */
function serviceHtml(p) {
  if (!p.hotline && !p.website && !p.service_address) return '';
  return html`<section class="detail-section" data-service><h3>${t('detail.service')}</h3><dl class="kvs">
    ${p.hotline ? row(t('field.hotline'), html`<a href="tel:${p.hotline.replace(/[^0-9+]/g, '')}">${p.hotline}</a>`) : ''}
    ${p.website ? row(t('field.website'), webLink(p.website)) : ''}
    ${p.service_address ? row(t('field.serviceAddress'), p.service_address) : ''}</dl></section>`;
}

/** With carrier filters set, how many of the park's carriers match them and how many do not. */
function matchingLine(page) {
  if (page.others === undefined) return '';
  return html`<p class="drawer-matching" data-drawer-matching="${page.count}">${words('matching', { n: num(page.count, 0) })}</p>
    ${page.others ? html`<p class="muted" data-drawer-others="${page.others}">${words('others', { n: num(page.others, 0) })}</p>` : ''}`;
}

function carriersBlock(page) {
  if (page === null) return html`<p class="muted"><span class="spinner"></span>${t('detail.loading')}</p>`;
  if (!page.items.length) return page.others === undefined ? html`<p class="muted">${t('detail.noCarriers')}</p>` : matchingLine(page);
  return html`${matchingLine(page)}<ul class="carrier-links">${page.items.map(carrierLine)}</ul>
    ${page.count > page.items.length ? html`<p class="muted">${t('detail.moreCarriers', { n: num(page.count - page.items.length, 0) })}</p>` : ''}`;
}

function hectares(ha) {
  return `${num(ha)} ${t('unit.ha')}（${num(ha / 100, 2)} ${t('unit.km2')}）`;
}

/** Each area under the label of its kind: only the 2018 catalogue's figure is a 核准面积. */
function areaRows(p) {
  const rows = [];
  if (p.approved_area_ha !== null && p.approved_area_ha !== undefined) rows.push(row(t('detail.approvedArea'), hectares(p.approved_area_ha)));
  if (p.area_ha !== null && p.area_ha !== undefined) {
    rows.push(html`<div class="kv" data-area-kind="${p.area_kind}"><dt>${codeLabel('park_area_kind', p.area_kind)}</dt><dd>${hectares(p.area_ha)}</dd></div>`);
  }
  return rows.length ? rows : [row(t('detail.areaUnknown'), t('detail.notReported'))];
}

function parkLink(ref) {
  return html`<button type="button" class="link" data-open-park="${ref.id}">${parkName(ref)}</button>`;
}

/** The nearest facility of each kind: straight-line distances, and labelled so (never drive time). */
function distancesHtml(d) {
  const nearest = Object.entries(d ?? {}).filter(([, n]) => n);
  if (!nearest.length) return '';
  return html`<section class="detail-section" data-distances><h3>${words('distances')}</h3><dl class="kvs">
    ${nearest.map(([kind, n]) => row(codeLabel('facility_kind', kind), html`<span data-km="${n.km}">${words('straightKm', { km: num(n.km, 1) })}</span>
      · ${n.facility}${n.location_precision !== 'exact' ? html` <small>（${words('approxFacility')}）</small>` : ''}`))}</dl></section>`;
}

/** A park's drawer; `carrierPage` is its first carriers matching the page's carrier filters
 * (available ones when none is set; `others`: how many do not match), or null while they load. */
export function parkHtml(p, carrierPage) {
  const approx = p.location_precision !== 'exact';
  const counts = p.available_carriers || {};
  const demo = p.available_carriers_demo || {};
  const demoCount = (demo.land ?? 0) + (demo.factory ?? 0) + (demo.office ?? 0);
  const counties = p.county_adcodes || [];
  const parts = p.parts || [];
  const notReported = t('detail.notReported');
  const coop = p.cooperation;
  // English mode: the English (or pinyin) name as the title, the Chinese name under it.
  return html`${head(parkNameHtml(p), getLang() === 'en' ? p.name : p.short_name, [
    html`<span class="badge level-${p.level}">${codeLabel('park_level', p.level)}</span>`,
    html`<span class="badge type t-${p.type}">${p.kind ? codeLabel('park_kind', p.kind) : codeLabel('park_type', p.type)}</span>`,
    p.is_demo ? html`<span class="badge demo">${t('detail.demo')}</span>` : '',
    draftBadge(p),
  ], `park-dot t-${p.type} l-${p.level}`)}
  <div class="detail-body">
    ${staffBar('park', p)}
    ${provenance(p)}
    ${approx ? html`<p class="approx-warning" data-approx>${p.point_basis === 'county_spread' ? t('detail.countySpread')
    : t('detail.approxWarning', { scope: t(`detail.scope.${p.location_precision}`) })}</p>` : ''}
    <dl class="kvs">
      ${row(t('detail.level'), codeLabel('park_level', p.level))}
      ${row(t('detail.type'), codeLabel('park_type', p.type))}
      ${p.kind ? row(t('detail.kind'), codeLabel('park_kind', p.kind)) : ''}
      ${p.parent ? row(t('detail.parent'), parkLink(p.parent)) : ''}
      ${parts.length ? row(t('detail.parts'), html`<span data-parts>${parts.map((x, i) => html`${i ? html`<br>` : ''}${parkLink(x)}`)}</span>`) : ''}
      ${row(t('detail.region'), [regionName(p.city_adcode), localName(p.region_name, p.region_name_en)].filter(Boolean).join(' · '))}
      ${counties.length > 1 ? row(t('detail.counties'), html`<span data-counties>${counties.map((a) => regionName(a) || a).join('、')}</span>`) : ''}
      ${row(t('detail.approvalDate'), p.approval_date || t('detail.none'))}
      ${areaRows(p)}
      ${row(t('detail.industries'), p.leading_industries.length
    ? html`<span class="tags">${p.leading_industries.map((i) => html`<span class="tag">${i}</span>`)}</span>` : t('detail.none'))}
      ${row(t('detail.clusters'), p.clusters.length ? p.clusters.map((c, i) => html`${i ? html`<br>` : ''}${c.name}`) : t('detail.none'))}
      ${row(t('detail.location'), html`<span data-precision="${p.location_precision}">${codeLabel('location_precision', p.location_precision)}</span>`)}
      ${p.chemical_status ? row(t('detail.chemicalStatus'), `${codeLabel('chemical_status', p.chemical_status)}${
    p.chemical_status_date ? `（${date(p.chemical_status_date)}）` : ''}`) : ''}
      ${p.name_en ? row(t('detail.nameEn'), p.name_en) : ''}
      ${row(t('detail.address'), p.address || notReported)}
    </dl>
    ${coop ? html`<section class="detail-section"><h3>${t('detail.cooperation')}</h3><dl class="kvs">
      ${row(t('detail.partner'), coop.partner_name)}
      ${row(t('detail.partnerRegion'), codeLabel('partner_region', coop.partner_region))}
      ${coop.model ? row(t('detail.model'), codeLabel('cooperation_model', coop.model)) : ''}
      ${coop.signed_date ? row(t('detail.signed'), date(coop.signed_date)) : ''}</dl></section>` : ''}
    <section class="detail-section"><h3>${t('detail.availableCarriers')}</h3>
      <p class="carrier-counts" data-carrier-counts>${t('detail.carrierCounts', { land: num(counts.land ?? 0, 0), factory: num(counts.factory ?? 0, 0), office: num(counts.office ?? 0, 0) })}</p>
      ${demoCount ? html`<p class="demo-counts" data-demo-counts>${t('detail.demoCarriers', { land: num(demo.land ?? 0, 0), factory: num(demo.factory ?? 0, 0), office: num(demo.office ?? 0, 0) })}</p>` : ''}
      ${carriersBlock(carrierPage)}</section>
    ${distancesHtml(p.distances)}
    ${serviceHtml(p)}
    <section class="detail-section"><h3>${t('detail.contacts')}</h3>${contactsHtml(p.contacts)}</section>
    ${p.profile ? html`<section class="detail-section"><h3>${t('detail.profile')}</h3><p class="profile">${p.profile}</p></section>` : ''}
    <button type="button" class="btn btn-inquire" data-inquire="park:${p.id}" data-inquire-name="${p.name}">${t('inquiry.button')}</button>
    ${compareButton('park', p.id)}
    <button type="button" class="btn btn-primary" data-zoom-to>${t('detail.zoomTo')}</button>
    ${brochureLinks('park', p.id, p.published)}
  </div>`;
}

/** A carrier's drawer: a land plot, or a factory or office. */
export function carrierHtml(c) {
  const none = t('detail.none');
  const isLand = c.kind === 'land';
  const building = !isLand ? html`<section class="detail-section"><h3>${t('detail.building')}</h3><dl class="kvs">
      ${row(t('detail.floors'), c.floors ? withUnit(c.floors, 'unit.floors', 0) : none)}
      ${row(t('detail.storey'), withUnit(c.storey_height_m, 'unit.m'))}
      ${row(t('detail.load'), withUnit(c.floor_load_t_m2, 'unit.tPerM2'))}
      ${row(t('detail.crane'), c.has_crane === null ? none : c.has_crane ? t('detail.yes') : t('detail.no'))}</dl></section>` : '';
  const standard = c.is_standard_land ? html`<section class="detail-section"><h3>${t('detail.standardLand')}</h3><dl class="kvs">
      ${row(t('detail.intensity'), withUnit(c.investment_intensity_wan_per_mu, 'unit.wanPerMu'))}
      ${row(t('detail.tax'), withUnit(c.tax_per_mu_wan, 'unit.wanPerMu'))}
      ${row(t('detail.energy'), withUnit(c.energy_tce_per_wan, 'unit.tcePerWan', 4))}</dl></section>` : '';
  return html`${head(c.name, '', [
    html`<span class="badge">${codeLabel('carrier_kind', c.kind)}</span>`,
    html`<span class="badge status s-${c.status}">${codeLabel('carrier_status', c.status)}</span>`,
    c.is_standard_land ? html`<span class="badge">${t('detail.standardLand')}</span>` : '',
    c.is_demo ? html`<span class="badge demo">${t('detail.demo')}</span>` : '',
    draftBadge(c),
  ], `status-dot s-${c.status}`)}
  <div class="detail-body">
    ${staffBar('carrier', c)}
    ${provenance(c)}
    <dl class="kvs">
      ${row(t('detail.park'), html`<button type="button" class="link" data-open-park="${c.park_id}">${parkName({ id: c.park_id, name: c.park_name })}</button>`)}
      ${row(t('detail.status'), codeLabel('carrier_status', c.status))}
      ${row(t('detail.area'), html`<span data-area>${area(c.area_m2)}</span>`)}
      ${isLand ? row(t('detail.landUse'), c.land_use ? codeLabel('land_use', c.land_use) : none) : ''}
    </dl>
    ${isLand ? html`<section class="detail-section"><h3>${t('detail.indicators')}</h3><dl class="kvs">
      ${row(t('detail.plotRatio'), html`<span data-plot-ratio>${range(c.plot_ratio)}</span>`)}
      ${row(t('detail.density'), range(c.building_density_pct, '%'))}
      ${row(t('detail.green'), range(c.green_ratio_pct, '%'))}
      ${row(t('detail.height'), range(c.height_limit_m, t('unit.m')))}</dl></section>` : ''}
    <section class="detail-section"><h3>${t('detail.terms')}</h3><dl class="kvs">
      ${isLand ? row(t('detail.price'), withUnit(c.price_wan_per_mu, 'unit.wanPerMu')) : ''}
      ${isLand ? row(t('detail.term'), withUnit(c.lease_term_years, 'unit.years', 0)) : ''}
      ${isLand ? row(t('detail.readiness'), c.readiness || none) : ''}
      ${!isLand ? row(t('detail.rent'), withUnit(c.rent_yuan_m2_month, 'unit.yuanM2Month')) : ''}
      ${!isLand ? row(t('detail.salePrice'), withUnit(c.sale_price_yuan_m2, 'unit.yuanM2', 0)) : ''}</dl></section>
    ${building}${standard}
    ${distancesHtml(c.distances)}
    ${c.description ? html`<section class="detail-section"><p class="profile">${c.description}</p></section>` : ''}
    <button type="button" class="btn btn-inquire" data-inquire="carrier:${c.id}" data-inquire-name="${c.name}">${t('inquiry.button')}</button>
    ${compareButton('carrier', c.id)}
    <button type="button" class="btn btn-primary" data-zoom-to>${t('detail.zoomTo')}</button>
  </div>`;
}

/** The drawer while its record loads, or when it could not be loaded (`retry`: offer to try again). */
export function stateHtml(error, retry) {
  const body = error
    ? html`<div class="list-state is-error" data-detail-error>
      <p>${error}</p>${retry ? html`<button type="button" class="btn" data-retry>${t('list.retry')}</button>` : ''}</div>`
    : html`<div class="list-state is-loading"><span class="spinner"></span><p>${t('detail.loading')}</p></div>`;
  return html`${head('', '', [], '')}<div class="detail-body">${body}</div>`;
}
