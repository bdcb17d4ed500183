// What the map's layers write: the tooltips and the name labels of parks, cooperation
// partners, clusters, regions, carriers, targets, chain gaps and enterprises. Every name
// comes from a record, so each goes through html`` (Leaflet puts strings in as markup).
import { codeLabel, getLang, t } from '../i18n.js';
import { num } from '../format.js';
import { html } from '../html.js';
import { parkName } from '../names.js';

const MU_M2 = 10000 / 15;
const GAP_TIP_ROWS = 12;

/** A park's name on the map: its short name in Chinese, its English or pinyin name in English. */
export function parkLabelText(p) {
  return getLang() === 'en' ? parkName(p) : p.short_name || p.name;
}

/** A park's name beside its marker. */
export function parkLabel(p) {
  return html`${parkLabelText(p)}`;
}

/** The line from a park to its cooperation partner. */
export function cooperationTip(name, c) {
  return html`${name} ⟷ ${c.partner_name}
      (${codeLabel('partner_region', c.partner_region)}${c.model ? ` · ${codeLabel('cooperation_model', c.model)}` : ''})`;
}

/** The partner city or region at the far end of the line: a marker and its name. */
export function partnerLabel(p) {
  return html`<span class="partner-dot flow-${p.region}"></span><span class="partner-name">${p.name}</span>`;
}

/** A city of the cluster choropleth: the clusters covering it. */
export function clusterTip(cityName, clusters) {
  return html`<b>${cityName}</b><ul class="tip-list">${clusters.map((c) =>
    html`<li>${c.name} <small>${codeLabel('cluster_tier', c.tier)}</small></li>`)}</ul>`;
}

export function regionLabel(name) {
  return html`<span>${name}</span>`;
}

/** A carrier drawn from the vector tiles (its properties). */
export function carrierTip(p) {
  return html`${p.name}<br>${codeLabel('carrier_kind', p.kind)} · ${num(p.area_m2 / MU_M2, 1)}
    ${t('unit.mu')} · ${codeLabel('carrier_status', p.status)}`;
}

/** A target at its headquarters (its GeoJSON properties). */
export function targetTip(p) {
  return html`<b>${p.enterprise_name}</b><br>${codeLabel('target_stage', p.stage)} · ${p.chain_name} · ${p.link_name}
      ${p.intended_park_name ? html`<br>→ ${p.intended_park_name}` : ''}`;
}

/** An area with chain gaps: {name, gaps: [properties]}, `missing` of them missing links. */
export function gapTip(area, missing) {
  const rows = area.gaps.slice(0, GAP_TIP_ROWS).map((g) => html`<li><span class="gap-chip gap-${g.gap_class}">${t(`gap.${g.gap_class}`)}</span>
    ${g.chain_name} · ${g.link_name}</li>`);
  const more = area.gaps.length > GAP_TIP_ROWS ? html`<li>${t('gapLayer.more', { n: area.gaps.length - GAP_TIP_ROWS })}</li>` : '';
  return html`<b>${area.name}</b><br>${t('gapLayer.counts', { missing, weak: area.gaps.length - missing })}
    <ul class="tip-list gap-tip">${rows}${more}</ul>`;
}

/** A local enterprise of the chosen chain link. */
export function enterpriseTip(p) {
  return html`${p.name}`;
}
