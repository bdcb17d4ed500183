// The detail drawer of a park or a carrier. Provenance (source, as-of date, demo flag) sits
// right under the title: users distrust undated data, and demo rows must never pass for
// real listings.
import L from './leaflet.js';
import { getJSON, isAbort, query } from './api.js';
import { codeLabel, t } from './i18n.js';
import * as state from './state.js';
import { area, date, esc, num, range, withUnit } from './format.js';
import { onStale, regionName } from './data.js';
import { coordsToMap, getMap, onDatumChange, toMap } from './map.js';
import { fitGeometry, flyToPark } from './navigate.js';
import { highlightPark } from './layers/parks.js';
import { restyleCarriers } from './layers/carriers.js';
import { draftBadge, onStaffAction, staffBar } from './edit/staff.js';

const CARRIERS_IN_DRAWER = 6;
// Radius of the "somewhere around here" circle drawn for a park whose point is approximate.
const APPROX_RADIUS_M = { town: 3000, county: 12000 };

let root;
let controller = null;
let current = null; // {kind, id, item, carriers}
let zoomNext = false; // the next item was chosen inside the drawer: bring it into view
const selection = L.layerGroup();

function row(label, value) {
  return `<div class="kv"><dt>${esc(label)}</dt><dd>${value}</dd></div>`;
}

function provenance(item) {
  return `<div class="provenance" data-provenance>
    ${item.is_demo ? `<p class="demo-banner" data-demo><b>${t('detail.demo')}</b> ${t('detail.demoNote')}</p>` : ''}
    <p><span class="prov-label">${t('detail.provenance')}</span> <span class="prov-source">${esc(item.source)}</span></p>
    <p><span class="prov-label">${t('detail.asOf')}</span> <b data-as-of>${date(item.as_of)}</b>
       <span class="prov-sep">·</span><span class="prov-label">${t('detail.updated')}</span> ${date(item.updated_at)}</p>
  </div>`;
}

function head(title, subtitle, badges, dotClass) {
  return `<header class="detail-head">
    <button type="button" class="detail-close" data-close aria-label="${t('detail.close')}" title="${t('detail.close')}">×</button>
    <div class="detail-title">${dotClass ? `<span class="${dotClass}"></span>` : ''}
      <div><h2>${esc(title)}</h2>${subtitle ? `<p class="detail-sub">${esc(subtitle)}</p>` : ''}</div></div>
    <div class="badges">${badges.join('')}</div>
  </header>`;
}

function carrierLine(c) {
  const price = c.price_wan_per_mu !== null ? withUnit(c.price_wan_per_mu, 'unit.wanPerMu')
    : c.rent_yuan_m2_month !== null ? withUnit(c.rent_yuan_m2_month, 'unit.yuanM2Month') : '';
  const ratio = c.plot_ratio && (c.plot_ratio.min !== null || c.plot_ratio.max !== null)
    ? ` · ${t('detail.plotRatio')} ${range(c.plot_ratio)}` : '';
  return `<li><button type="button" class="link-row" data-open-carrier="${c.id}">
    <span class="status-dot s-${c.status}"></span>
    <span><b>${esc(c.name)}</b><small>${codeLabel('carrier_kind', c.kind)} · ${area(c.area_m2)}${ratio}${price ? ` · ${price}` : ''}</small></span>
  </button></li>`;
}

/** Contacts are officers: the API gives them to signed-in staff only, and leaves the field out otherwise. */
function contactsHtml(contacts) {
  if (contacts === undefined) return `<p class="muted">${t('detail.contactsStaffOnly')}</p>`;
  if (!contacts.length) return `<p class="muted">${t('detail.noContacts')}</p>`;
  return `<ul class="contacts">${contacts.map((c) => `<li><b>${esc(c.name)}</b>${c.role ? ` · ${esc(c.role)}` : ''}
    ${c.phone ? `<br><a href="tel:${esc(c.phone)}">${esc(c.phone)}</a>` : ''}
    ${c.email ? `<br><a href="mailto:${esc(c.email)}">${esc(c.email)}</a>` : ''}</li>`).join('')}</ul>`;
}

function parkHtml(p, carrierPage) {
  const approx = p.location_precision !== 'exact';
  const counts = p.available_carriers || {};
  const haArea = p.approved_area_ha !== null
    ? `${num(p.approved_area_ha)} ${t('unit.ha')}（${num(p.approved_area_ha / 100, 2)} ${t('unit.km2')}）` : t('detail.none');
  const coop = p.cooperation;
  const carriersBlock = carrierPage === null ? `<p class="muted"><span class="spinner"></span>${t('detail.loading')}</p>`
    : carrierPage.items.length ? `<ul class="carrier-links">${carrierPage.items.map(carrierLine).join('')}</ul>
      ${carrierPage.count > carrierPage.items.length ? `<p class="muted">${t('detail.moreCarriers', { n: num(carrierPage.count - carrierPage.items.length, 0) })}</p>` : ''}`
      : `<p class="muted">${t('detail.noCarriers')}</p>`;
  return `${head(p.name, p.short_name, [
    `<span class="badge level-${p.level}">${codeLabel('park_level', p.level)}</span>`,
    `<span class="badge type t-${p.type}">${codeLabel('park_type', p.type)}</span>`,
    p.is_demo ? `<span class="badge demo">${t('detail.demo')}</span>` : '',
    draftBadge(p),
  ], `park-dot t-${p.type} l-${p.level}`)}
  <div class="detail-body">
    ${staffBar('park', p)}
    ${provenance(p)}
    ${approx ? `<p class="approx-warning" data-approx>${t('detail.approxWarning', { scope: t(`detail.scope.${p.location_precision}`) })}</p>` : ''}
    <dl class="kvs">
      ${row(t('detail.level'), codeLabel('park_level', p.level))}
      ${row(t('detail.type'), codeLabel('park_type', p.type))}
      ${row(t('detail.region'), esc([regionName(p.city_adcode), p.region_name].filter(Boolean).join(' · ')))}
      ${row(t('detail.approvalDate'), esc(p.approval_date || t('detail.none')))}
      ${row(t('detail.approvedArea'), haArea)}
      ${row(t('detail.industries'), p.leading_industries.length ? `<span class="tags">${p.leading_industries.map((i) => `<span class="tag">${esc(i)}</span>`).join('')}</span>` : t('detail.none'))}
      ${row(t('detail.clusters'), p.clusters.length ? p.clusters.map((c) => esc(c.name)).join('<br>') : t('detail.none'))}
      ${row(t('detail.location'), `<span data-precision="${p.location_precision}">${codeLabel('location_precision', p.location_precision)}</span>`)}
      ${p.chemical_status ? row(t('detail.chemicalStatus'), `${codeLabel('chemical_status', p.chemical_status)}${
        p.chemical_status_date ? `（${date(p.chemical_status_date)}）` : ''}`) : ''}
    </dl>
    ${coop ? `<section class="detail-section"><h3>${t('detail.cooperation')}</h3><dl class="kvs">
      ${row(t('detail.partner'), esc(coop.partner_name))}
      ${row(t('detail.partnerRegion'), codeLabel('partner_region', coop.partner_region))}
      ${coop.model ? row(t('detail.model'), codeLabel('cooperation_model', coop.model)) : ''}
      ${coop.signed_date ? row(t('detail.signed'), date(coop.signed_date)) : ''}</dl></section>` : ''}
    <section class="detail-section"><h3>${t('detail.availableCarriers')}</h3>
      <p class="carrier-counts" data-carrier-counts>${t('detail.carrierCounts', { land: num(counts.land ?? 0, 0), factory: num(counts.factory ?? 0, 0), office: num(counts.office ?? 0, 0) })}</p>
      ${carriersBlock}</section>
    <section class="detail-section"><h3>${t('detail.contacts')}</h3>${contactsHtml(p.contacts)}</section>
    ${p.profile ? `<section class="detail-section"><h3>${t('detail.profile')}</h3><p class="profile">${esc(p.profile)}</p></section>` : ''}
    <button type="button" class="btn btn-primary" data-zoom-to>${t('detail.zoomTo')}</button>
  </div>`;
}

function carrierHtml(c) {
  const none = t('detail.none');
  const isLand = c.kind === 'land';
  const building = !isLand ? `<section class="detail-section"><h3>${t('detail.building')}</h3><dl class="kvs">
      ${row(t('detail.floors'), c.floors ? withUnit(c.floors, 'unit.floors', 0) : none)}
      ${row(t('detail.storey'), withUnit(c.storey_height_m, 'unit.m'))}
      ${row(t('detail.load'), withUnit(c.floor_load_t_m2, 'unit.tPerM2'))}
      ${row(t('detail.crane'), c.has_crane === null ? none : c.has_crane ? t('detail.yes') : t('detail.no'))}</dl></section>` : '';
  const standard = c.is_standard_land ? `<section class="detail-section"><h3>${t('detail.standardLand')}</h3><dl class="kvs">
      ${row(t('detail.intensity'), withUnit(c.investment_intensity_wan_per_mu, 'unit.wanPerMu'))}
      ${row(t('detail.tax'), withUnit(c.tax_per_mu_wan, 'unit.wanPerMu'))}
      ${row(t('detail.energy'), withUnit(c.energy_tce_per_wan, 'unit.tcePerWan', 4))}</dl></section>` : '';
  return `${head(c.name, '', [
    `<span class="badge">${codeLabel('carrier_kind', c.kind)}</span>`,
    `<span class="badge status s-${c.status}">${codeLabel('carrier_status', c.status)}</span>`,
    c.is_standard_land ? `<span class="badge">${t('detail.standardLand')}</span>` : '',
    c.is_demo ? `<span class="badge demo">${t('detail.demo')}</span>` : '',
    draftBadge(c),
  ], `status-dot s-${c.status}`)}
  <div class="detail-body">
    ${staffBar('carrier', c)}
    ${provenance(c)}
    <dl class="kvs">
      ${row(t('detail.park'), `<button type="button" class="link" data-open-park="${c.park_id}">${esc(c.park_name)}</button>`)}
      ${row(t('detail.status'), codeLabel('carrier_status', c.status))}
      ${row(t('detail.area'), `<span data-area>${area(c.area_m2)}</span>`)}
      ${isLand ? row(t('detail.landUse'), c.land_use ? codeLabel('land_use', c.land_use) : none) : ''}
    </dl>
    ${isLand ? `<section class="detail-section"><h3>${t('detail.indicators')}</h3><dl class="kvs">
      ${row(t('detail.plotRatio'), `<span data-plot-ratio>${range(c.plot_ratio)}</span>`)}
      ${row(t('detail.density'), range(c.building_density_pct, '%'))}
      ${row(t('detail.green'), range(c.green_ratio_pct, '%'))}
      ${row(t('detail.height'), range(c.height_limit_m, t('unit.m')))}</dl></section>` : ''}
    <section class="detail-section"><h3>${t('detail.terms')}</h3><dl class="kvs">
      ${isLand ? row(t('detail.price'), withUnit(c.price_wan_per_mu, 'unit.wanPerMu')) : ''}
      ${isLand ? row(t('detail.term'), withUnit(c.lease_term_years, 'unit.years', 0)) : ''}
      ${isLand ? row(t('detail.readiness'), esc(c.readiness || none)) : ''}
      ${!isLand ? row(t('detail.rent'), withUnit(c.rent_yuan_m2_month, 'unit.yuanM2Month')) : ''}
      ${!isLand ? row(t('detail.salePrice'), withUnit(c.sale_price_yuan_m2, 'unit.yuanM2', 0)) : ''}</dl></section>
    ${building}${standard}
    ${c.description ? `<section class="detail-section"><p class="profile">${esc(c.description)}</p></section>` : ''}
    <button type="button" class="btn btn-primary" data-zoom-to>${t('detail.zoomTo')}</button>
  </div>`;
}

function drawSelection() {
  selection.clearLayers();
  if (!current?.item) return;
  const { kind, item } = current;
  if (kind === 'park' && item.location_precision !== 'exact') {
    const [lng, lat] = item.location.coordinates;
    selection.addLayer(L.circle(toMap(lat, lng), { radius: APPROX_RADIUS_M[item.location_precision] || 5000,
      pane: 'flows', className: 'approx-circle', interactive: false }));
  }
  if (kind === 'carrier') {
    selection.addLayer(L.geoJSON(item.geometry, { coordsToLatLng: coordsToMap, pane: 'flows', interactive: false,
      style: { className: 'selected-outline' },
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 11, className: 'selected-outline' }) }));
  }
}

function render() {
  const wasOpen = document.body.classList.contains('detail-open');
  document.body.classList.toggle('detail-open', Boolean(current));
  // The drawer changes the map's width on a desktop: keep the same centre.
  if (wasOpen !== Boolean(current)) getMap().invalidateSize();
  root.hidden = !current;
  if (!current) {
    root.innerHTML = '';
    return;
  }
  root.dataset.kind = current.kind;
  root.dataset.id = current.id;
  if (current.error) {
    root.innerHTML = `${head('', '', [], '')}<div class="detail-body"><div class="list-state is-error" data-detail-error>
      <p>${esc(current.error)}</p>${current.status === 404 ? '' : `<button type="button" class="btn" data-retry>${t('list.retry')}</button>`}</div></div>`;
  } else if (!current.item) {
    root.innerHTML = `${head('', '', [], '')}<div class="detail-body"><div class="list-state is-loading">
      <span class="spinner"></span><p>${t('detail.loading')}</p></div></div>`;
  } else {
    root.innerHTML = current.kind === 'park' ? parkHtml(current.item, current.carriers) : carrierHtml(current.item);
  }
  root.querySelector('.detail-body')?.scrollTo?.(0, 0);
}

async function load(open, { zoom }) {
  controller?.abort();
  if (!open) {
    current = null;
    render();
    drawSelection();
    highlightPark(null);
    restyleCarriers();
    return;
  }
  controller = new AbortController();
  const { signal } = controller;
  current = { ...open, item: null, carriers: null };
  render();
  highlightPark(open.kind === 'park' ? open.id : null);
  restyleCarriers();
  try {
    const path = open.kind === 'park' ? `/api/v1/parks/${open.id}` : `/api/v1/carriers/${open.id}`;
    current.item = await getJSON(path, { signal });
    render();
    drawSelection();
    if (zoom) zoomTo();
    if (open.kind === 'park') {
      const page = await getJSON(`/api/v1/carriers?${query({ park: open.id, status: 'available', limit: CARRIERS_IN_DRAWER,
        count: 'true', sort: '-area_m2' })}`, { signal });
      current.carriers = page;
      render();
    }
  } catch (err) {
    if (isAbort(err)) return;
    current.error = err.status === 404 ? t('detail.notFound') : t('detail.error', { msg: err.message });
    current.status = err.status;
    render();
  }
}

function zoomTo() {
  const { kind, item } = current;
  if (kind === 'park') flyToPark(item.location.coordinates[1], item.location.coordinates[0]);
  else fitGeometry(item.geometry, 16);
}

export function initDetail(element, { zoomOnFirstOpen }) {
  root = element;
  selection.addTo(getMap());
  root.addEventListener('click', (e) => {
    if (e.target.closest('[data-close]')) state.set({ open: null }, { history: 'push' });
    else if (e.target.closest('[data-zoom-to]')) zoomTo();
    else if (e.target.closest('[data-retry]')) load(state.get().open, { zoom: false });
    else if (e.target.closest('[data-staff]') && current?.item) onStaffAction(root, e.target.closest('[data-staff]'), current);
    else if (e.target.closest('[data-open-carrier]')) {
      state.set({ open: { kind: 'carrier', id: Number(e.target.closest('[data-open-carrier]').dataset.openCarrier) } },
        { history: 'push' });
    } else if (e.target.closest('[data-open-park]')) {
      zoomNext = true;
      state.set({ open: { kind: 'park', id: Number(e.target.closest('[data-open-park]').dataset.openPark) } },
        { history: 'push' });
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && current && !document.querySelector('dialog[open]')) state.set({ open: null }, { history: 'push' });
  });
  state.subscribe((s, changed) => {
    if (changed.has('open')) {
      load(s.open, { zoom: zoomNext });
      zoomNext = false;
    }
    else if (changed.has('lang')) render();
  });
  onDatumChange(drawSelection);
  // Saved, or signed in or out: the same record may now read differently (or not at all).
  onStale(() => { if (current) load(state.get().open, { zoom: false }); });
  load(state.get().open, { zoom: zoomOnFirstOpen });
}
