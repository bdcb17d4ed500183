// The enterprise drawer (企业档案), for staff: any enterprise the workbench lists (a link's local
// enterprises, the candidates of a gap, a target's view, the duplicates of a new one) opens it.
// It shows the enterprise's profile, marks its headquarters on the map, and for an enterprise
// from outside the province offers "add as target": one of its links, an area of the officer's
// regions and optionally an intended park there. The server validates all of it (a local
// enterprise, a park outside the area, the same enterprise already on that link's list) and its
// refusal is shown as it words it. Public visitors never reach it: it opens for staff only.
import L from '../leaflet.js';
import { getJSON, query, request } from '../api.js';
import { codeLabel, t } from '../i18n.js';
import { date, num } from '../format.js';
import { html, markup, setHtml } from '../html.js';
import { canWrite, isStaff, user } from '../auth.js';
import { regionName, regions } from '../data.js';
import { toMap } from '../map.js';
import { codes } from '../views/targets.js';

const PROVINCE = '360000';
/** The event the document gets when the drawer has added a target (detail: the target). */
export const TARGET_ADDED = 'investmap:target-added';
let map;
const headquarters = L.layerGroup();

/** The areas an officer adds targets for: their own regions (an admin: the province and its cities). */
async function areaOptions() {
  await Promise.all([regions('city'), regions('county')]);
  const mine = user().regions.length ? user().regions : [PROVINCE, ...(await regions('city')).features.map((f) => f.id)];
  return mine.map((adcode) => [adcode, adcode === PROVINCE ? t('ed.province') : regionName(adcode) ?? adcode]);
}

function row(label, value) {
  return html`<dt>${label}</dt><dd>${value === null || value === undefined || value === '' ? t('detail.none') : value}</dd>`;
}

function profileHtml(e) {
  const revenue = e.revenue_yi === null ? null : `${num(e.revenue_yi, 1)}${e.year ? ` (${e.year})` : ''}`;
  const [lng, lat] = e.location.coordinates;
  return html`<dl class="ed-profile" data-ed-profile>
    ${row(t('ne.uscc'), html`<code data-ed-uscc>${e.uscc}</code>`)}
    ${row(t('ed.where'), e.is_local ? [e.region_name, e.park_name].filter(Boolean).join(' · ') : t('cand.outside'))}
    ${row(t('ed.links'), e.links.length ? html`<ul class="ed-links">${e.links.map((l) => html`<li>${l.chain_name} / ${l.name}</li>`)}</ul>` : null)}
    ${row(t('cand.revenue'), revenue)}
    ${row(t('cand.employees'), e.employees === null ? null : num(e.employees, 0))}
    ${row(t('ed.tags'), e.tags.length ? e.tags.map((tag) => html`<span class="tag">${codeLabel('enterprise_tag', tag)}</span>`) : null)}
    ${row(t('ed.hq'), html`<span data-ed-hq>${num(lng, 4)}, ${num(lat, 4)}</span>`)}
    ${row(t('ed.source'), [e.source, e.as_of ? date(e.as_of) : null].filter(Boolean).join(' · '))}
  </dl>${e.is_demo ? html`<p class="demo-counts">${t('ed.demo')}</p>` : ''}`;
}

function formHtml(e, areas) {
  if (e.is_local) return html`<p class="muted" data-ed-local>${t('ed.local')}</p>`;
  if (!canWrite()) return '';
  if (!e.links.length) return html`<p class="muted" data-ed-nolinks>${t('ed.noLinks')}</p>`;
  return html`<form class="wb-dialog-form ed-form" data-ed-form><h4>${t('cand.add')}</h4>
    <label class="wb-field"><span>${t('ed.link')} *</span><select name="link_id" required>
      ${e.links.map((l) => html`<option value="${l.id}">${l.chain_name} / ${l.name}</option>`)}</select></label>
    <label class="wb-field"><span>${t('ed.area')} *</span><select name="region_adcode" required>
      ${areas.map(([k, label]) => html`<option value="${k}">${label}</option>`)}</select></label>
    <label class="wb-field"><span>${t('ed.park')}</span><select name="intended_park_id" data-ed-parks>
      <option value="">${t('detail.none')}</option></select></label>
    <div class="tv-row">
      <label class="wb-field"><span>${t('targets.priority')}</span><select name="priority">
        ${codes('priority').map(([v, label]) => html`<option value="${v}" ${v === 'medium' ? 'selected' : ''}>${label}</option>`)}</select></label>
      <label class="wb-field"><span>${t('targets.owner')}</span><input name="owner" maxlength="100"></label></div>
    <p class="tt-message" data-ed-message role="status" hidden></p>
    <div class="wb-dialog-actions"><button type="submit" class="btn btn-primary" data-ed-add>${t('cand.add')}</button></div></form>`;
}

/** The parks of the chosen area, for the intended park (the server checks it lies there). */
async function fillParks(form) {
  const box = form.querySelector('[data-ed-parks]');
  const region = form.elements.region_adcode.value;
  const page = await getJSON(`/api/v1/parks?${query({ region, limit: 1000, sort: 'name' })}`);
  setHtml(box, html`<option value="">${t('detail.none')}</option>${page.items.map((p) => html`<option value="${p.id}">${p.name}</option>`)}`);
}

function say(form, kind, text) {
  const note = form.querySelector('[data-ed-message]');
  note.hidden = false;
  note.className = `tt-message is-${kind}`;
  note.textContent = text;
}

async function addTarget(e, form) {
  const values = Object.fromEntries(new FormData(form));
  const body = { enterprise_id: e.id, link_id: Number(values.link_id), region_adcode: values.region_adcode,
    priority: values.priority, source: t('ed.sourceValue') };
  if (values.intended_park_id) body.intended_park_id = Number(values.intended_park_id);
  if (values.owner.trim()) body.owner = values.owner.trim();
  try {
    const { body: target } = await request('POST', '/api/v1/targets', { body });
    say(form, 'ok', t('ed.added', { name: e.name, area: target.area_name, link: target.link_name }));
    document.dispatchEvent(new CustomEvent(TARGET_ADDED, { detail: target }));
  } catch (err) {
    say(form, 'error', err.message);
  }
}

function showHeadquarters(e) {
  headquarters.clearLayers();
  const [lng, lat] = e.location.coordinates;
  L.marker(toMap(lat, lng), { icon: L.divIcon({ className: 'enterprise-icon', iconSize: [18, 18],
    html: markup(html`<span class="enterprise-dot is-hq" data-ed-marker></span>`) }), zIndexOffset: 800 }).addTo(headquarters);
  map.setView(toMap(lat, lng), Math.max(map.getZoom(), 9));
}

/** Open the drawer of enterprise `id`. */
export async function openEnterprise(id) {
  if (!isStaff()) return;
  const [e, areas] = await Promise.all([getJSON(`/api/v1/enterprises/${id}`), areaOptions()]);
  document.querySelector('dialog[data-enterprise-drawer]')?.remove();
  const dialog = document.createElement('dialog');
  dialog.className = 'wb-dialog ent-drawer';
  dialog.dataset.enterpriseDrawer = String(e.id);
  dialog.setAttribute('aria-labelledby', 'ed-title');
  setHtml(dialog, html`<div class="wb-dialog-form"><header class="ed-head"><h3 id="ed-title">${e.name}</h3>
      <button type="button" class="detail-close" data-ed-close title="${t('detail.close')}">×</button></header>
    ${profileHtml(e)}</div>${formHtml(e, areas)}`);
  document.body.append(dialog);
  const close = () => {
    headquarters.clearLayers();
    dialog.close();
    dialog.remove();
  };
  dialog.querySelector('[data-ed-close]').addEventListener('click', close);
  dialog.addEventListener('cancel', close);
  const form = dialog.querySelector('[data-ed-form]');
  if (form) {
    form.elements.region_adcode.addEventListener('change', () => fillParks(form).catch((err) => say(form, 'error', err.message)));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      addTarget(e, form);
    });
    await fillParks(form).catch((err) => say(form, 'error', err.message));
  }
  showHeadquarters(e);
  // Modal: it may open over another dialog (the candidates), which makes the rest of the page inert.
  dialog.showModal();
}

/** Any element with a data-open-enterprise attribute (the id) opens the drawer (staff only). */
export function initEnterpriseDrawer(theMap) {
  map = theMap;
  headquarters.addTo(map);
  document.addEventListener('click', (ev) => {
    const opener = ev.target.closest('[data-open-enterprise]');
    if (!opener || !isStaff()) return;
    ev.preventDefault();
    openEnterprise(Number(opener.dataset.openEnterprise)).catch((err) => window.alert(err.message));
  });
}
