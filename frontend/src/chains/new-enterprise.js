// An enterprise not yet known, added as a target from the candidates of a gap: its name, USCC
// (the server checks the check character) and location. Before anything is recorded, the
// enterprises already under that USCC or a like name are shown, so that the officer courts the
// known record rather than a twin: the same USCC can only be added as it is; a like name may
// still be recorded as new once the officer says so.
import { getJSON, query, request } from '../api.js';
import { t } from '../i18n.js';
import { html } from '../html.js';

export function newEnterpriseForm() {
  return html`<details class="ne-form" data-new-enterprise><summary>${t('ne.open')}</summary>
    <form class="wb-dialog-form" data-ne-form>
      <label class="wb-field">${t('ne.name')}<input name="name" required minlength="2" maxlength="200"></label>
      <label class="wb-field">${t('ne.uscc')}<input name="uscc" required minlength="18" maxlength="18"
        autocapitalize="characters" spellcheck="false"></label>
      <div class="tv-row">
        <label class="wb-field">${t('ne.lng')}<input name="lng" type="number" step="any" min="73" max="136" required></label>
        <label class="wb-field">${t('ne.lat')}<input name="lat" type="number" step="any" min="3" max="54" required></label>
      </div>
      <p class="muted">${t('ne.hint')}</p>
      <div data-ne-found></div>
      <div class="wb-dialog-actions"><button type="submit" class="btn btn-primary" data-ne-submit>${t('ne.submit')}</button></div>
    </form></details>`;
}

export function duplicatesHtml(found) {
  return html`<div class="ne-found" data-ne-duplicates><p><b>${t('ne.found')}</b></p>
    <ol class="tv-list">${found.map((e) => html`<li data-duplicate-id="${e.id}"><button type="button" class="link-button" data-open-enterprise="${e.id}"><b>${e.name}</b></button>
      <small class="muted">${e.uscc} · ${t(`ne.match.${e.match}`)}${e.region_name ? html` · ${e.region_name}` : ''}</small>
      ${e.is_local ? html`<span class="muted">${t('cand.local')}</span>`
        : html`<button type="button" class="btn btn-small" data-add-candidate="${e.id}">${t('cand.add')}</button>`}</li>`)}</ol>
    ${found.some((e) => e.match === 'uscc') ? ''
      : html`<button type="button" class="btn" data-ne-anyway>${t('ne.anyway')}</button>`}</div>`;
}

/** The values of the form; the enterprises already recorded like it (checked first). */
export async function lookUp(form) {
  const values = Object.fromEntries(new FormData(form));
  const found = await getJSON(`/api/v1/enterprises/duplicates?${query({ uscc: values.uscc, name: values.name })}`);
  return { values, found };
}

/** Record the enterprise (outside the province, on `linkId`); its id. */
export async function record(values, linkId) {
  const body = {
    name: values.name.trim(), uscc: values.uscc.trim(), is_local: false, link_ids: [linkId], source: t('ne.source'),
    location: { type: 'Point', coordinates: [Number(values.lng), Number(values.lat)] },
  };
  return (await request('POST', '/api/v1/enterprises', { body })).body.id;
}
