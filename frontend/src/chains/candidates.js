// Candidates for a gap (招商候选): the enterprises that work in the chosen link outside the area,
// ranked by the server (链主, revenue, employees, distance), each added to the area's target list
// with one click; those already on it say so.
import { getJSON, query, request } from '../api.js';
import { t } from '../i18n.js';
import { num } from '../format.js';
import { html, setHtml } from '../html.js';
import { duplicatesHtml, lookUp, newEnterpriseForm, record } from './new-enterprise.js';
import { TARGET_ADDED } from './enterprise-drawer.js';

const AREA_FIELD = { region: 'region_adcode', park: 'park_id', cluster: 'cluster_id' };

function itemHtml(c) {
  // A target is an enterprise from outside the province (the API refuses local ones): others are listed to know them.
  const added = c.target_id !== null || c.is_local;
  return html`<li data-candidate-id="${c.id}"><button type="button" class="link-button" data-open-enterprise="${c.id}"><b>${c.name}</b></button>
    ${c.chain_leader ? html`<span class="prio prio-high">${t('cand.leader')}</span>` : ''}
    <small class="muted">${c.is_local ? c.region_name : t('cand.outside')} · ${t('cand.revenue')} ${c.revenue_yi === null ? '—' : num(c.revenue_yi, 1)}
      · ${t('cand.employees')} ${c.employees === null ? '—' : num(c.employees, 0)} · ${num(c.distance_km, 0)} km</small>
    <button type="button" class="btn btn-small" data-add-candidate="${c.id}" ${added ? 'disabled' : ''}>
      ${c.is_local ? t('cand.local') : added ? t('cand.added') : t('cand.add')}</button></li>`;
}

/** Show the candidates of `link` in `area` ({region}|{park}|{cluster}) in a dialog. */
export async function showCandidates(link, areaName, area) {
  const found = await getJSON(`/api/v1/targets/candidates?${query({ link: link.id, ...area, limit: 50 })}`);
  const dialog = document.createElement('dialog');
  dialog.className = 'wb-dialog tv-dialog';
  document.body.append(dialog);
  let pending = null; // the new enterprise's values while its duplicates are shown
  const render = (note = '', ok = '') => setHtml(dialog, html`<div class="wb-dialog-form" data-candidates>
    <h3>${t('cand.title', { link: link.name, area: areaName })}</h3>
    <p class="muted">${t('cand.hint')}</p>
    ${note ? html`<p class="tt-message is-error" data-cand-message>${note}</p>` : ''}
    ${ok ? html`<p class="tt-message is-ok" data-cand-message>${ok}</p>` : ''}
    ${found.length ? html`<ol class="tv-list">${found.map(itemHtml)}</ol>` : html`<p class="muted">${t('list.empty')}</p>`}
    ${newEnterpriseForm()}
    <div class="wb-dialog-actions"><button type="button" class="btn" data-close>${t('share.close')}</button></div></div>`);
  const [kind, key] = Object.entries(area)[0];
  const addTarget = async (enterpriseId) => {
    const body = { enterprise_id: enterpriseId, link_id: link.id, source: t('cand.source'),
      [AREA_FIELD[kind]]: kind === 'region' ? key : Number(key) };
    const { body: target } = await request('POST', '/api/v1/targets', { body });
    found.forEach((c) => { if (c.id === enterpriseId) c.target_id = target.id; });
    return target;
  };
  // A refusal of the new enterprise is shown in its form, which keeps what the officer typed.
  const formError = (err) => {
    const box = dialog.querySelector('[data-new-enterprise][open] [data-ne-found]');
    if (box) setHtml(box, html`<p class="tt-message is-error" data-ne-error>${err.message}</p>`);
    return Boolean(box);
  };
  render();
  // A candidate added from its drawer (opened over this list) is marked added here too.
  const added = ({ detail: target }) => {
    if (target.link_id !== link.id || String(target[AREA_FIELD[kind]]) !== String(key)) return;
    found.forEach((c) => { if (c.id === target.enterprise_id) c.target_id = target.id; });
    render();
  };
  document.addEventListener(TARGET_ADDED, added);
  dialog.addEventListener('click', async (e) => {
    if (e.target.closest('[data-close]')) {
      document.removeEventListener(TARGET_ADDED, added);
      dialog.close();
      dialog.remove();
      return;
    }
    const add = e.target.closest('[data-add-candidate]');
    const anyway = e.target.closest('[data-ne-anyway]');
    if (!add && !anyway) return;
    try {
      const id = add ? Number(add.dataset.addCandidate) : await record(pending, link.id);
      const target = await addTarget(id);
      pending = null;
      render('', t('ne.added', { name: target.enterprise_name }));
    } catch (err) {
      formError(err) || render(err.message);
    }
  });
  dialog.addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target.closest('[data-ne-form]');
    try {
      const { values, found: twins } = await lookUp(form);
      if (twins.length) {
        pending = values;
        setHtml(form.querySelector('[data-ne-found]'), duplicatesHtml(twins));
        return;
      }
      const target = await addTarget(await record(values, link.id));
      render('', t('ne.added', { name: target.enterprise_name }));
    } catch (err) {
      formError(err);
    }
  });
  dialog.showModal();
}
