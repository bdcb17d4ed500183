// The markup of the result list beside the map: a park or a carrier as one row, and the
// list's states (loading, failed, empty, layer off ...).
import { codeLabel, t } from '../i18n.js';
import { num } from '../format.js';
import { html } from '../html.js';
import { hasCarrierFilters } from '../state.js';
import { compareButton } from '../sites/basket.js';
import { localName, parkName, parkNameHtml } from '../names.js';

/** Unpublished records reach signed-in staff only: say so in the list. */
function draftMark(r) {
  return r.published === false ? html`<em class="draft-badge" data-draft>${t('staff.draft')}</em>` : '';
}

/** The list's state `kind` with its message and an optional button (an Html). */
export function stateBlock(kind, text, action = '') {
  return html`<div class="list-state is-${kind}" data-list-state="${kind}">
    ${kind === 'loading' ? html`<span class="spinner" aria-hidden="true"></span>` : ''}<p>${text}</p>${action}</div>`;
}

export function parkItem(p, selected) {
  const n = num(p.matching_carriers, 0);
  const side = hasCarrierFilters() ? t('list.matching', { n }) : t('list.carriersN', { n });
  return html`<li class="result ${selected ? 'is-selected' : ''}" data-park-id="${p.id}" tabindex="0">
    <span class="park-dot t-${p.type} l-${p.level}"></span>
    <div class="result-main">
      <b>${parkNameHtml(p)}</b>
      <small>${codeLabel('park_level', p.level)} · ${t(`type.${p.type}`)}</small>
      <small>${localName(p.region_name, p.region_name_en) || ''}${p.location_precision !== 'exact' ? html` · <i>${t('list.approx')}</i>` : ''}</small>
      ${p.leading_industries?.length ? html`<small class="industries">${p.leading_industries.join(' · ')}</small>` : ''}
    </div>
    <span class="result-side">${side}${p.is_demo ? html`<em class="demo-badge">${t('detail.demo')}</em>` : ''}${draftMark(p)}
      ${compareButton('park', p.id)}</span>
  </li>`;
}

export function carrierItem(c, selected) {
  const price = c.price_wan_per_mu !== null ? `${num(c.price_wan_per_mu)} ${t('unit.wanPerMu')}`
    : c.rent_yuan_m2_month !== null ? `${num(c.rent_yuan_m2_month)} ${t('unit.yuanM2Month')}` : '';
  return html`<li class="result ${selected ? 'is-selected' : ''}" data-carrier-id="${c.id}" tabindex="0">
    <span class="status-dot s-${c.status}"></span>
    <div class="result-main">
      <b>${c.name}</b>
      <small>${codeLabel('carrier_kind', c.kind)} · ${num(c.area_mu, 1)} ${t('unit.mu')}${price ? ` · ${price}` : ''}</small>
      <small>${parkName({ id: c.park_id, name: c.park_name })}</small>
    </div>
    <span class="result-side"><span class="status s-${c.status}">${codeLabel('carrier_status', c.status)}</span>
      ${c.is_demo ? html`<em class="demo-badge">${t('detail.demo')}</em>` : ''}${draftMark(c)}
      ${compareButton('carrier', c.id)}</span>
  </li>`;
}
