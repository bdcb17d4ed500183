// The markup of a row of the target list (目标清单): the enterprise, its chain link and area,
// priority, stage (a select that moves it), owner, next action and intended park.
import { codeLabel, codeList, t } from '../i18n.js';
import { date } from '../format.js';
import { html } from '../html.js';

/** [code, label] of every code of `group`. */
export function codes(group) {
  return codeList(group).map((c) => [c.code, codeLabel(group, c.code)]);
}

function stageSelect(row) {
  return html`<select class="stage-select stage-${row.stage}" data-stage-for="${row.id}" aria-label="${t('targets.stage')}">
    ${codes('target_stage').map(([code, label]) => html`<option value="${code}" ${code === row.stage ? 'selected' : ''}>${label}</option>`)}
  </select>`;
}

export function targetRow(row) {
  const next = row.next_action || row.next_action_date
    ? html`${row.next_action ?? ''}<small class="tt-date">${row.next_action_date ? date(row.next_action_date) : ''}
      ${row.overdue ? html`<em class="overdue-mark">${t('targets.overdue')}</em>` : ''}</small>` : html`<span class="muted">${t('detail.none')}</span>`;
  const dropped = row.stage === 'dropped' && row.drop_reason ? html`<small class="muted">${row.drop_reason}</small>` : '';
  return html`<tr data-target-id="${row.id}" class="${row.overdue ? 'is-overdue' : ''}">
    <td data-label="${t('targets.col.enterprise')}"><button type="button" class="link-button" data-open-target="${row.id}"><b>${row.enterprise_name}</b></button>
      <small class="muted">${row.chain_name} · ${row.link_name} · ${row.area_name}</small></td>
    <td data-label="${t('targets.col.priority')}"><span class="prio prio-${row.priority}">${codeLabel('priority', row.priority)}</span></td>
    <td data-label="${t('targets.col.stage')}">${stageSelect(row)}${dropped}</td>
    <td data-label="${t('targets.col.owner')}">${row.owner ?? t('detail.none')}</td>
    <td data-label="${t('targets.col.next')}" data-next>${next}</td>
    <td data-label="${t('targets.col.park')}">${row.intended_park_name ?? t('detail.none')}</td>
  </tr>`;
}
