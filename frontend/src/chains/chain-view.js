// The chain view (链图谱): a chain drawn left to right, upstream → midstream → downstream, each
// link a box coloured by its gap class in the chosen area (缺 missing, 弱 weak, or covered) and
// showing its number of local enterprises. A click on a link lists its local enterprises (and
// draws them on the map) and its targets. Every number is the API's: nothing is counted here.
import { getJSON, isAbort, query } from '../api.js';
import { codeLabel, t } from '../i18n.js';
import { clusters, regions } from '../data.js';
import { esc, num } from '../format.js';
import { isPhone } from '../panel.js';
import { clearEnterprises, focusEnterprise, showEnterprises } from './link-map.js';

const POSITIONS = ['upstream', 'midstream', 'downstream'];
const AREA_KINDS = ['province', 'city', 'county', 'park', 'cluster'];
const PROVINCE = '360000';
const LIST_LIMIT = 1000;
const collator = new Intl.Collator('zh-CN');

let root;
let showTargets; // (filters) => void: opens the target list filtered to a link and area
let chains = [];
let areaOptions = null; // {city|county|park|cluster: [{key, label, group?}]}
const chosen = { chainId: null, kind: 'province', key: PROVINCE, linkId: null };
let coverage = { status: 'idle' }; // {status, data?, error?}
let detail = { status: 'idle' }; // {status, enterprises?, targets?, error?}
let coverageRequest = null;
let detailRequest = null;

/** The area as the API's query parameters: region, park or cluster. */
function areaParams() {
  if (chosen.kind === 'park') return { park: chosen.key };
  if (chosen.kind === 'cluster') return { cluster: chosen.key };
  return { region: chosen.kind === 'province' ? PROVINCE : chosen.key };
}

async function loadOptions() {
  const [cities, counties, parkPage, clusterList, chainPage] = await Promise.all([
    regions('city'), regions('county'), getJSON('/api/v1/parks?limit=1000'), clusters(), getJSON('/api/v1/chains?limit=100')]);
  const cityName = new Map(cities.features.map((f) => [f.id, f.properties.name]));
  const byGroup = (a, b) => collator.compare(a.group, b.group) || collator.compare(a.label, b.label);
  areaOptions = {
    city: cities.features.map((f) => ({ key: f.id, label: f.properties.name })),
    county: counties.features.map((f) => ({ key: f.id, label: f.properties.name, group: cityName.get(f.properties.parent_adcode) }))
      .sort(byGroup),
    park: parkPage.items.map((p) => ({ key: String(p.id), label: p.name, group: cityName.get(p.city_adcode) ?? '' })).sort(byGroup),
    cluster: clusterList.map((c) => ({ key: String(c.id), label: c.name })),
  };
  chains = chainPage.items;
  chosen.chainId ??= chains[0]?.id ?? null;
}

function options(list, value) {
  const groups = new Map();
  list.forEach((o) => groups.set(o.group ?? '', [...(groups.get(o.group ?? '') || []), o]));
  const html = (items) => items.map((o) => `<option value="${esc(o.key)}" ${o.key === value ? 'selected' : ''}>${esc(o.label)}</option>`).join('');
  return [...groups].map(([group, items]) => (group ? `<optgroup label="${esc(group)}">${html(items)}</optgroup>` : html(items))).join('');
}

function controlsHtml() {
  const chainOptions = chains.map((c) => `<option value="${c.id}" ${c.id === chosen.chainId ? 'selected' : ''}>${esc(c.name)}</option>`);
  const kinds = AREA_KINDS.map((k) => `<option value="${k}" ${k === chosen.kind ? 'selected' : ''}>${t(`chain.area.${k}`)}</option>`);
  return `<div class="wb-controls">
    <label><span>${t('chain.chain')}</span><select data-pick="chain">${chainOptions.join('')}</select></label>
    <label><span>${t('chain.area')}</span><select data-pick="kind">${kinds.join('')}</select></label>
    ${chosen.kind === 'province' ? '' : `<label class="wb-grow"><span>${t(`chain.area.${chosen.kind}`)}</span>
      <select data-pick="area">${options(areaOptions[chosen.kind], chosen.key)}</select></label>`}
  </div>`;
}

function gapLabel(gapClass) {
  return t(`gap.${gapClass}`);
}

function linkBox(link) {
  const tip = [t('chain.revenue', { n: num(link.revenue_yi) }), link.has_chain_leader ? t('chain.hasLeader') : ''].filter(Boolean).join(' · ');
  const selected = link.id === chosen.linkId;
  return `<button type="button" class="link-box gap-${link.gap_class}${selected ? ' is-selected' : ''}" style="--depth:${link.depth}"
      data-link-id="${link.id}" data-gap="${link.gap_class}" title="${esc(tip)}" aria-pressed="${selected}">
    <span class="link-name">${esc(link.name)}</span>
    <span class="link-meta"><b class="link-count" data-count>${link.enterprise_count}</b>
      ${link.has_chain_leader ? `<span class="leader-mark" data-leader title="${t('chain.leader')}">★</span>` : ''}
      <span class="gap-label">${gapLabel(link.gap_class)}</span></span>
  </button>`;
}

function flowHtml(links) {
  const columns = POSITIONS.map((position) => {
    const boxes = links.filter((l) => l.position === position).map(linkBox).join('');
    return `<section class="chain-flow-col" data-position="${position}">
      <h4>${codeLabel('link_position', position)}</h4>${boxes || `<p class="muted">${t('detail.none')}</p>`}</section>`;
  });
  return `<div class="chain-flow" data-flow>${columns.join('<span class="chain-flow-arrow" aria-hidden="true"></span>')}</div>`;
}

function summaryHtml(data) {
  const counts = ['missing', 'weak', 'covered'].map((c) => `<span class="gap-chip gap-${c}" data-summary="${c}">
    ${gapLabel(c)} <b>${data.summary[c] ?? 0}</b></span>`).join('');
  const rule = t('chain.weakRule', { n: data.thresholds.min_count, revenue: num(data.thresholds.min_revenue_yi) });
  return `<div class="chain-summary"><b class="chain-area" data-area-name>${esc(data.area.name)}</b>${counts}
    <small class="muted">${rule}</small></div>`;
}

function enterpriseItem(f) {
  const p = f.properties;
  const where = [p.park_name, p.region_name].filter(Boolean).join(' · ');
  const revenue = p.revenue_yi !== null ? t('chain.revenue', { n: num(p.revenue_yi) }) : '';
  const tags = p.tags.map((tag) => `<span class="tag">${esc(codeLabel('enterprise_tag', tag))}</span>`).join('');
  return `<li><button type="button" class="link-row" data-enterprise-id="${f.id}">
    <span><b>${esc(p.name)}</b><small>${esc([where, revenue].filter(Boolean).join(' · '))}</small>
    ${tags ? `<span class="tags">${tags}</span>` : ''}</span></button></li>`;
}

function targetItem(target) {
  const overdue = target.overdue ? ` <em class="overdue-mark">${t('targets.overdue')}</em>` : '';
  return `<li data-target-id="${target.id}"><b>${esc(target.enterprise_name)}</b>
    <small><span class="stage-badge stage-${target.stage}">${codeLabel('target_stage', target.stage)}</span>
    ${esc([target.owner, target.intended_park_name].filter(Boolean).join(' · '))}${overdue}</small></li>`;
}

function detailHtml(link) {
  if (!link) return `<p class="muted wb-hint">${t('chain.pickLink')}</p>`;
  const head = `<header class="link-detail-head"><h3>${esc(link.name)}</h3>
      <span class="gap-chip gap-${link.gap_class}">${gapLabel(link.gap_class)}</span></header>
    <p class="link-facts">${t('chain.facts', { n: link.enterprise_count, revenue: num(link.revenue_yi) })}
      · ${link.has_chain_leader ? t('chain.hasLeader') : t('chain.noLeader')}</p>`;
  if (detail.status === 'loading') return `${head}<p class="muted"><span class="spinner"></span>${t('list.loading')}</p>`;
  if (detail.status === 'error') return `${head}<p class="list-state is-error">${esc(t('list.error', { msg: detail.error }))}</p>`;
  const { enterprises, targets } = detail;
  return `${head}
    <section><h4>${t('chain.enterprises', { n: enterprises.length })}</h4>
      ${enterprises.length ? `<ol class="ent-list" data-enterprises>${enterprises.map(enterpriseItem).join('')}</ol>`
        : `<p class="muted">${t('chain.noEnterprises')}</p>`}</section>
    <section><h4>${t('chain.targets', { n: targets.total })}</h4>
      ${targets.items.length ? `<ol class="target-mini" data-link-targets>${targets.items.map(targetItem).join('')}</ol>`
        : `<p class="muted">${t('chain.noTargets')}</p>`}
      <button type="button" class="btn btn-small" data-show-targets>${t('chain.openTargets')}</button></section>`;
}

function render() {
  if (!areaOptions) {
    root.innerHTML = coverage.status === 'error'
      ? `<p class="list-state is-error">${esc(t('list.error', { msg: coverage.error }))}</p>`
      : `<p class="list-state"><span class="spinner"></span>${t('list.loading')}</p>`;
    return;
  }
  let body;
  if (coverage.status === 'ready') {
    const link = coverage.data.links.find((l) => l.id === chosen.linkId);
    body = `${summaryHtml(coverage.data)}<div class="chain-main">
      <div class="chain-flow-wrap">${flowHtml(coverage.data.links)}
        <ul class="legend-list legend-inline gap-legend">${['missing', 'weak', 'covered'].map((c) =>
          `<li><span class="legend-swatch gap-${c}"></span>${t(`gap.legend.${c}`)}</li>`).join('')}</ul></div>
      <aside class="link-detail" data-link-detail>${detailHtml(link)}</aside></div>`;
  } else if (coverage.status === 'error') {
    body = `<p class="list-state is-error">${esc(t('list.error', { msg: coverage.error }))}</p>`;
  } else body = `<p class="list-state"><span class="spinner"></span>${t('list.loading')}</p>`;
  root.innerHTML = controlsHtml() + body;
}

async function loadCoverage() {
  coverageRequest?.abort();
  detailRequest?.abort();
  clearEnterprises();
  if (chosen.chainId === null) return;
  coverageRequest = new AbortController();
  const { signal } = coverageRequest;
  coverage = { status: 'loading' };
  render();
  try {
    const data = await getJSON(`/api/v1/chains/${chosen.chainId}/coverage?${query(areaParams())}`, { signal });
    coverage = { status: 'ready', data };
    if (!data.links.some((l) => l.id === chosen.linkId)) chosen.linkId = null;
    render();
    if (chosen.linkId !== null) loadLink();
  } catch (err) {
    if (isAbort(err)) return;
    coverage = { status: 'error', error: err.message };
    render();
  }
}

/** The chosen link's local enterprises in the area (on the map too) and its targets there. */
async function loadLink() {
  detailRequest?.abort();
  detailRequest = new AbortController();
  const { signal } = detailRequest;
  detail = { status: 'loading' };
  render();
  const filter = { link: chosen.linkId, ...areaParams() };
  try {
    const [fc, targets] = await Promise.all([
      getJSON(`/api/v1/enterprises?${query({ ...filter, is_local: true, f: 'geojson', limit: LIST_LIMIT, sort: '-revenue_yi' })}`, { signal }),
      getJSON(`/api/v1/targets?${query({ ...filter, limit: 50, count: true, sort: 'stage' })}`, { signal }),
    ]);
    detail = { status: 'ready', enterprises: fc.features, targets: { items: targets.items, total: targets.count } };
    render();
    showEnterprises(fc.features);
    // On a phone the list sits under the whole chain: bring it up.
    if (isPhone()) root.querySelector('[data-link-detail]').scrollIntoView({ block: 'start' });
  } catch (err) {
    if (isAbort(err)) return;
    detail = { status: 'error', error: err.message };
    render();
  }
}

function onChange(e) {
  const pick = e.target.dataset.pick;
  if (pick === 'chain') {
    chosen.chainId = Number(e.target.value);
    chosen.linkId = null;
  } else if (pick === 'kind') {
    chosen.kind = e.target.value;
    chosen.key = chosen.kind === 'province' ? PROVINCE : areaOptions[chosen.kind][0]?.key;
  } else if (pick === 'area') chosen.key = e.target.value;
  else return;
  loadCoverage();
}

function onClick(e) {
  const box = e.target.closest('[data-link-id]');
  if (box) {
    chosen.linkId = Number(box.dataset.linkId);
    loadLink();
    return;
  }
  const enterprise = e.target.closest('[data-enterprise-id]');
  if (enterprise) focusEnterprise(Number(enterprise.dataset.enterpriseId));
  if (e.target.closest('[data-show-targets]')) {
    const link = coverage.data.links.find((l) => l.id === chosen.linkId);
    showTargets({ chain: chosen.chainId, link: link.id, linkName: link.name, areaName: coverage.data.area.name, ...areaParams() });
  }
}

/** Start the view in `element` (when the workbench first opens); `onShowTargets` opens the target list. */
export async function initChainView(element, onShowTargets) {
  root = element;
  showTargets = onShowTargets;
  root.addEventListener('change', onChange);
  root.addEventListener('click', onClick);
  render();
  try {
    await loadOptions();
  } catch (err) {
    coverage = { status: 'error', error: err.message };
  }
  if (root !== element) return; // signed out meanwhile
  if (coverage.status === 'error') render();
  else loadCoverage();
}

export function renderChainView() {
  if (root) render();
}

/** Signed out: forget what was loaded, so that the next one to sign in starts afresh. */
export function resetChainView() {
  coverageRequest?.abort();
  detailRequest?.abort();
  Object.assign(chosen, { chainId: null, kind: 'province', key: PROVINCE, linkId: null });
  coverage = { status: 'idle' };
  detail = { status: 'idle' };
  areaOptions = null;
  root = null;
}

/** The workbench closed: take the link's enterprises off the map. */
export function hideChainView() {
  clearEnterprises();
}

/** The workbench opened again: put them back. */
export function showChainView() {
  if (detail.status === 'ready') showEnterprises(detail.enterprises);
}
