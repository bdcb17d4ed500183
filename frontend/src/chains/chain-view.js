// The chain view (链图谱): a chain drawn left to right, upstream → midstream → downstream, each
// link a box coloured by its gap class in the chosen area (缺 missing, 弱 weak, or covered) and
// showing its number of local enterprises. A click on a link lists its local enterprises (and
// draws them on the map) and its targets. Every number is the API's: nothing is counted here.
import { getJSON, isAbort, query } from '../api.js';
import { t } from '../i18n.js';
import { clusters, regions } from '../data.js';
import { html, setHtml } from '../html.js';
import { isPhone } from '../panel.js';
import { clearEnterprises, focusEnterprise, showEnterprises } from './link-map.js';
import { showCandidates } from './candidates.js';
import { flowHtml, groupedOptions, linkDetailHtml, summaryHtml } from '../views/chain.js';

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

function controlsHtml() {
  const chainOptions = chains.map((c) => html`<option value="${c.id}" ${c.id === chosen.chainId ? 'selected' : ''}>${c.name}</option>`);
  const kinds = AREA_KINDS.map((k) => html`<option value="${k}" ${k === chosen.kind ? 'selected' : ''}>${t(`chain.area.${k}`)}</option>`);
  return html`<div class="wb-controls">
    <label><span>${t('chain.chain')}</span><select data-pick="chain">${chainOptions}</select></label>
    <label><span>${t('chain.area')}</span><select data-pick="kind">${kinds}</select></label>
    ${chosen.kind === 'province' ? '' : html`<label class="wb-grow"><span>${t(`chain.area.${chosen.kind}`)}</span>
      <select data-pick="area">${groupedOptions(areaOptions[chosen.kind], chosen.key)}</select></label>`}
  </div>`;
}

function render() {
  const loading = html`<p class="list-state"><span class="spinner"></span>${t('list.loading')}</p>`;
  const failed = () => html`<p class="list-state is-error">${t('list.error', { msg: coverage.error })}</p>`;
  if (!areaOptions) {
    setHtml(root, coverage.status === 'error' ? failed() : loading);
    return;
  }
  let body = loading;
  if (coverage.status === 'ready') {
    const link = coverage.data.links.find((l) => l.id === chosen.linkId);
    body = html`${summaryHtml(coverage.data)}<div class="chain-main">
      <div class="chain-flow-wrap">${flowHtml(coverage.data.links, chosen.linkId)}
        <ul class="legend-list legend-inline gap-legend">${['missing', 'weak', 'covered'].map((c) =>
    html`<li><span class="legend-swatch gap-${c}"></span>${t(`gap.legend.${c}`)}</li>`)}</ul></div>
      <aside class="link-detail" data-link-detail>${linkDetailHtml(link, detail)}</aside></div>`;
  } else if (coverage.status === 'error') body = failed();
  setHtml(root, html`${controlsHtml()}${body}`);
  root.querySelectorAll('[data-depth]').forEach((box) => box.style.setProperty('--depth', box.dataset.depth));
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
  if (e.target.closest('[data-show-candidates]')) {
    const link = coverage.data.links.find((l) => l.id === chosen.linkId);
    showCandidates(link, coverage.data.area.name, areaParams()).catch((err) => {
      detail = { status: 'error', error: err.message };
      render();
    });
  }
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
