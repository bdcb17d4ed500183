// The markup of the chain view (链图谱): a chain's links as boxes upstream → midstream →
// downstream coloured by gap class, the area's summary, and the chosen link's local
// enterprises and targets.
import { codeLabel, t } from '../i18n.js';
import { num } from '../format.js';
import { html } from '../html.js';

const POSITIONS = ['upstream', 'midstream', 'downstream'];

/** <option>s of `list` ([{key, label, group?}]), in <optgroup>s where items have a group. */
export function groupedOptions(list, value) {
  const groups = new Map();
  list.forEach((o) => groups.set(o.group ?? '', [...(groups.get(o.group ?? '') || []), o]));
  const options = (items) => items.map((o) => html`<option value="${o.key}" ${o.key === value ? 'selected' : ''}>${o.label}</option>`);
  return html`${[...groups].map(([group, items]) => (group ? html`<optgroup label="${group}">${options(items)}</optgroup>` : options(items)))}`;
}

function gapLabel(gapClass) {
  return t(`gap.${gapClass}`);
}

// The indent of a sub-link: data-depth, set as --depth through the CSSOM (no style attribute:
// the page's Content-Security-Policy allows no inline styles).
function linkBox(link, selectedId) {
  const tip = [t('chain.revenue', { n: num(link.revenue_yi) }), link.has_chain_leader ? t('chain.hasLeader') : ''].filter(Boolean).join(' · ');
  const selected = link.id === selectedId;
  return html`<button type="button" class="link-box gap-${link.gap_class}${selected ? ' is-selected' : ''}" data-depth="${link.depth}"
      data-link-id="${link.id}" data-gap="${link.gap_class}" title="${tip}" aria-pressed="${selected}">
    <span class="link-name">${link.name}</span>
    <span class="link-meta"><b class="link-count" data-count>${link.enterprise_count}</b>
      ${link.has_chain_leader ? html`<span class="leader-mark" data-leader title="${t('chain.leader')}">★</span>` : ''}
      <span class="gap-label">${gapLabel(link.gap_class)}</span></span>
  </button>`;
}

/** The chain left to right, the link `selectedId` pressed. */
export function flowHtml(links, selectedId) {
  const columns = POSITIONS.map((position, i) => {
    const boxes = links.filter((l) => l.position === position).map((l) => linkBox(l, selectedId));
    return html`${i ? html`<span class="chain-flow-arrow" aria-hidden="true"></span>` : ''}<section class="chain-flow-col" data-position="${position}">
      <h4>${codeLabel('link_position', position)}</h4>${boxes.length ? boxes : html`<p class="muted">${t('detail.none')}</p>`}</section>`;
  });
  return html`<div class="chain-flow" data-flow>${columns}</div>`;
}

export function summaryHtml(data) {
  const counts = ['missing', 'weak', 'covered'].map((c) => html`<span class="gap-chip gap-${c}" data-summary="${c}">
    ${gapLabel(c)} <b>${data.summary[c] ?? 0}</b></span>`);
  const rule = t('chain.weakRule', { n: data.thresholds.min_count, revenue: num(data.thresholds.min_revenue_yi) });
  return html`<div class="chain-summary"><b class="chain-area" data-area-name>${data.area.name}</b>${counts}
    <small class="muted">${rule}</small></div>`;
}

function enterpriseItem(f) {
  const p = f.properties;
  const where = [p.park_name, p.region_name].filter(Boolean).join(' · ');
  const revenue = p.revenue_yi !== null ? t('chain.revenue', { n: num(p.revenue_yi) }) : '';
  const tags = p.tags.map((tag) => html`<span class="tag">${codeLabel('enterprise_tag', tag)}</span>`);
  return html`<li><button type="button" class="link-row" data-enterprise-id="${f.id}">
    <span><b>${p.name}</b><small>${[where, revenue].filter(Boolean).join(' · ')}</small>
    ${tags.length ? html`<span class="tags">${tags}</span>` : ''}</span></button>
    <button type="button" class="btn btn-small" data-open-enterprise="${f.id}">${t('ed.open')}</button></li>`;
}

function targetItem(target) {
  const overdue = target.overdue ? html` <em class="overdue-mark">${t('targets.overdue')}</em>` : '';
  return html`<li data-target-id="${target.id}"><button type="button" class="link-button" data-open-enterprise="${target.enterprise_id}"><b>${target.enterprise_name}</b></button>
    <small><span class="stage-badge stage-${target.stage}">${codeLabel('target_stage', target.stage)}</span>
    ${[target.owner, target.intended_park_name].filter(Boolean).join(' · ')}${overdue}</small></li>`;
}

/**
 * The chosen link (or a hint to choose one) with, once `detail` ({status, enterprises?, targets?,
 * error?}) is ready, its local enterprises (GeoJSON features) and targets ({items, total}).
 */
export function linkDetailHtml(link, detail) {
  if (!link) return html`<p class="muted wb-hint">${t('chain.pickLink')}</p>`;
  const head = html`<header class="link-detail-head"><h3>${link.name}</h3>
      <span class="gap-chip gap-${link.gap_class}">${gapLabel(link.gap_class)}</span></header>
    <p class="link-facts">${t('chain.facts', { n: link.enterprise_count, revenue: num(link.revenue_yi) })}
      · ${link.has_chain_leader ? t('chain.hasLeader') : t('chain.noLeader')}</p>
    ${link.demo_enterprise_count ? html`<p class="demo-counts" data-demo-share>${t('chain.demoShare', {
    n: link.demo_enterprise_count, revenue: num(link.demo_revenue_yi) })}</p>` : ''}
    ${(link.industry_codes || []).length ? html`<p class="link-codes" data-codes>${t('chain.codes')} ${link.industry_codes.map((c, i) => html`${i ? '；' : ''}<b>${c}</b> ${(link.industry_classes || {})[c] || ''}`)}</p>` : ''}`;
  if (detail.status === 'loading') return html`${head}<p class="muted"><span class="spinner"></span>${t('list.loading')}</p>`;
  if (detail.status === 'error') return html`${head}<p class="list-state is-error">${t('list.error', { msg: detail.error })}</p>`;
  const { enterprises, targets } = detail;
  return html`${head}
    <section><h4>${t('chain.enterprises', { n: enterprises.length })}</h4>
      ${enterprises.length ? html`<ol class="ent-list" data-enterprises>${enterprises.map(enterpriseItem)}</ol>`
    : html`<p class="muted">${t('chain.noEnterprises')}</p>`}</section>
    <section><h4>${t('chain.targets', { n: targets.total })}</h4>
      ${targets.items.length ? html`<ol class="target-mini" data-link-targets>${targets.items.map(targetItem)}</ol>`
    : html`<p class="muted">${t('chain.noTargets')}</p>`}
      <button type="button" class="btn btn-small" data-show-targets>${t('chain.openTargets')}</button>
      <button type="button" class="btn btn-small" data-show-candidates>${t('cand.open')}</button></section>`;
}
