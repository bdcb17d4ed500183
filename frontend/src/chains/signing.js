// 签约 from the target list: the signing data (project name, date, investment, park, level) in
// a dialog, then POST /targets/{id}/signing, which signs the target and creates its project in
// one transaction. A skip (signing before 洽谈) is confirmed with a reason when the server asks.
import { getJSON, request } from '../api.js';
import { getLang, t } from '../i18n.js';
import { html } from '../html.js';
import { codes } from '../views/targets.js';
import { field, formDialog, numbers } from './form-dialog.js';

let parkOptions = null;

async function parks() {
  if (!parkOptions) parkOptions = (await getJSON('/api/v1/parks?limit=1000&sort=name')).items.map((p) => [p.id, p.name]);
  return parkOptions;
}

function choose(name, label, items, value) {
  return html`<label class="wb-field"><span>${label}</span><select name="${name}">
    <option value="">—</option>${items.map(([v, text]) => html`<option value="${v}" ${String(v) === String(value ?? '') ? 'selected' : ''}>${text}</option>`)}
  </select></label>`;
}

/**
 * Run `write(extra)`; when the server answers that the move skips stages (422 naming
 * confirm_skip), show its words, ask for the reason and write again with both. null: cancelled.
 */
export async function withSkip(write) {
  try {
    return await write({});
  } catch (err) {
    const problem = err.body?.error?.details?.[0];
    if (err.status !== 422 || problem?.field !== 'confirm_skip') throw err;
    const values = await formDialog(t('skip.title'), field('reason', t('skip.reason'), { required: true }),
      { note: getLang() === 'zh' ? problem.problem_zh : problem.problem });
    if (!values) return null;
    return write({ confirm_skip: true, reason: values.reason });
  }
}

/** Ask for the signing data of `row` (a target) and sign it: the new project, or null if cancelled. */
export async function signTarget(row) {
  const today = new Date().toISOString().slice(0, 10);
  const values = await formDialog(t('sign.title', { name: row.enterprise_name }), html`
    ${field('name', t('sign.name'), { required: true })}
    ${field('signed_on', t('sign.date'), { type: 'date', required: true, value: today })}
    ${field('investment_wan', t('sign.investment'), { type: 'number', required: true, step: '0.01', min: '0.01' })}
    ${choose('park_id', t('sign.park'), await parks(), row.intended_park_id)}
    ${choose('level', t('sign.level'), codes('project_level'), 'county')}
    ${choose('project_type', t('sign.type'), codes('project_type'), 'new')}`, { note: t('sign.note') });
  if (!values) return null;
  const body = numbers(values, ['investment_wan', 'park_id']);
  const answer = await withSkip((extra) => request('POST', `/api/v1/targets/${row.id}/signing`, { body: { ...body, ...extra } }));
  return answer?.body ?? null;
}
