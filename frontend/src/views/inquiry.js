// The markup of investment inquiries: the public form, the receipt with its private status
// link, the visitor's status page, and the staff inbox (list and one inquiry).
import { codeLabel, codeList, getLang, t } from '../i18n.js';
import { dateTime, num } from '../format.js';
import { html } from '../html.js';

function field(name, label, input, hint = '') {
  return html`<div class="field" data-field="${name}"><label class="field-label" for="inq-${name}">${label}</label>${input}
    ${hint ? html`<small class="field-hint">${hint}</small>` : ''}<p class="field-error" role="alert" hidden></p></div>`;
}

function text(name, { type = 'text', max, required = false, autocomplete = 'off', inputmode = '' }) {
  return html`<input id="inq-${name}" name="${name}" type="${type}" maxlength="${max}" autocomplete="${autocomplete}"
    ${inputmode ? html`inputmode="${inputmode}"` : ''} ${required ? html`required aria-required="true"` : ''}>`;
}

/** The form about `item` ({kind, id, name}); `consent` is the server's wording ({zh, en}). */
export function inquiryForm(item, consent) {
  const timelines = codeList('inquiry_timeline');
  return html`<form class="inquiry-form" data-inquiry-form novalidate>
    <header><h2 id="inquiry-title">${t('inquiry.title')}</h2>
      <p class="muted" data-inquiry-about>${t('inquiry.about', { name: item.name })}</p></header>
    <div class="inquiry-fields">
      ${field('company', t('inquiry.company'), text('company', { max: 200, required: true, autocomplete: 'organization' }))}
      ${field('contact_person', t('inquiry.contact'), text('contact_person', { max: 50, required: true, autocomplete: 'name' }))}
      ${field('phone', t('inquiry.phone'), text('phone', { type: 'tel', max: 30, autocomplete: 'tel', inputmode: 'tel' }), t('inquiry.reachHint'))}
      ${field('email', t('inquiry.email'), text('email', { type: 'email', max: 254, autocomplete: 'email' }))}
      ${field('uscc', t('inquiry.uscc'), text('uscc', { max: 30 }))}
      ${field('industry', t('inquiry.industry'), text('industry', { max: 100 }))}
      ${field('investment_wan', t('inquiry.investment'), text('investment_wan', { type: 'number', max: 12, inputmode: 'decimal' }))}
      ${field('area_mu', t('inquiry.area'), text('area_mu', { type: 'number', max: 9, inputmode: 'decimal' }))}
      ${field('timeline', t('inquiry.timeline'), html`<select id="inq-timeline" name="timeline">
        <option value="">${t('inquiry.choose')}</option>
        ${timelines.map((o) => html`<option value="${o.code}">${o[getLang()]}</option>`)}</select>`)}
      ${field('message', t('inquiry.message'), html`<textarea id="inq-message" name="message" maxlength="2000" rows="3"></textarea>`)}
    </div>
    <div class="hp" aria-hidden="true"><label>${t('inquiry.honeypot')}
      <input name="website" tabindex="-1" autocomplete="off"></label></div>
    <p class="consent-text" data-consent-text>${consent ? consent[getLang()] : ''}</p>
    <div class="field" data-field="consent"><label class="consent"><input type="checkbox" name="consent" required aria-required="true">
      <span>${t('inquiry.consent')}</span></label><p class="field-error" role="alert" hidden></p></div>
    <p class="form-error" data-inquiry-error role="alert" hidden></p>
    <div class="dialog-actions">
      <button type="button" class="btn" data-inquiry-cancel>${t('inquiry.cancel')}</button>
      <button type="submit" class="btn btn-primary" data-inquiry-submit>${t('inquiry.submit')}</button>
    </div>
  </form>`;
}

/** What the visitor sees after sending: the reference and the private status link (absolute). */
export function receiptHtml(receipt, link) {
  return html`<div class="inquiry-receipt" data-inquiry-receipt>
    <header><h2 id="inquiry-title">${t('inquiry.thanks')}</h2></header>
    <p>${t('inquiry.reference')}：<b data-reference>${receipt.reference}</b></p>
    <p class="muted">${t('inquiry.nextSteps')}</p>
    <label class="field"><span class="field-label">${t('inquiry.statusLink')}</span>
      <span class="share-row"><input readonly value="${link}" data-status-link>
        <button type="button" class="btn btn-primary" data-copy-link>${t('inquiry.copy')}</button></span></label>
    <p class="share-status" role="status" data-copy-status></p>
    <div class="dialog-actions"><button type="button" class="btn" data-inquiry-cancel>${t('inquiry.close')}</button></div>
  </div>`;
}

/** The private status page of the visitor's own inquiry (`found` null: the link is wrong). */
export function statusHtml(found) {
  const body = found
    ? html`<dl class="kvs" data-inquiry-status="${found.status}">
        <div class="kv"><dt>${t('inquiry.reference')}</dt><dd>${found.reference}</dd></div>
        <div class="kv"><dt>${t('detail.status')}</dt><dd><b>${codeLabel('inquiry_status', found.status)}</b></dd></div>
        <div class="kv"><dt>${t('detail.park')}</dt><dd>${found.carrier_name ? `${found.carrier_name} · ` : ''}${found.park_name}</dd></div>
        <div class="kv"><dt>${t('inquiry.submitted')}</dt><dd>${dateTime(found.created_at)}</dd></div>
        <div class="kv"><dt>${t('inquiry.updated')}</dt><dd>${dateTime(found.status_changed_at)}</dd></div></dl>`
    : html`<p class="form-error" data-inquiry-missing>${t('inquiry.statusNotFound')}</p>`;
  return html`<div class="inquiry-receipt"><header><h2 id="inquiry-title">${t('inquiry.statusTitle')}</h2></header>${body}
    <div class="dialog-actions"><button type="button" class="btn" data-inquiry-cancel>${t('inquiry.close')}</button></div></div>`;
}

function itemName(i) {
  return i.carrier_name ? `${i.carrier_name} · ${i.park_name}` : i.park_name;
}

function inboxRow(i) {
  const money = i.investment_wan !== null ? ` · ${num(i.investment_wan, 0)} ${t('unit.wan')}` : '';
  return html`<li><button type="button" class="inbox-row${i.unread ? ' is-unread' : ''}" data-inquiry-open="${i.id}">
    <span class="inbox-line"><b>${i.company}</b>
      <span class="badge status-${i.status}">${codeLabel('inquiry_status', i.status)}</span>
      ${i.overdue ? html`<span class="badge overdue" data-overdue>${t('inbox.overdue')}</span>` : ''}</span>
    <small>${i.reference} · ${itemName(i)} · ${i.region_name}${money}</small>
    <small>${dateTime(i.created_at)}${i.submissions > 1 ? ` · ${t('inbox.submissions', { n: i.submissions })}` : ''}</small>
  </button></li>`;
}

/** The inbox list (`page` from GET /inquiries) with its filter and the officer's e-mail setting. */
export function inboxHtml(page, filter) {
  const tabs = [['all', t('inbox.all')], ['new', codeLabel('inquiry_status', 'new')], ['overdue', t('inbox.overdue')]];
  return html`<header class="inbox-head"><h2 id="inbox-title">${t('inbox.title')}</h2>
      <button type="button" class="detail-close" data-inbox-close aria-label="${t('inquiry.close')}">×</button></header>
    <div class="inbox-tabs" role="group">${tabs.map(([key, label]) => html`<button type="button" class="chip${filter === key ? ' is-on' : ''}"
      aria-pressed="${filter === key}" data-inbox-filter="${key}">${label}</button>`)}</div>
    ${page.items.length ? html`<ul class="inbox-list">${page.items.map(inboxRow)}</ul>`
    : html`<p class="muted" data-inbox-empty>${t('inbox.empty')}</p>`}
    <form class="inbox-notify" data-notify-form><label class="field"><span class="field-label">${t('inbox.notifyEmail')}</span>
      <span class="share-row"><input type="email" name="email" maxlength="254" autocomplete="email">
      <button type="submit" class="btn btn-small">${t('inbox.save')}</button></span></label>
      <p class="share-status" role="status" data-notify-status></p></form>`;
}

/** 转为目标: the chain link (chains with their links, from GET /chains), the enterprise (a
 * recorded one by id, else found or created by USCC: a new one needs its headquarters). */
function conversionHtml(d, chains) {
  const links = chains.filter((c) => c.links.length);
  return html`<form class="inbox-convert" data-convert-form novalidate>
    <h3>${t('inbox.convertTitle')}</h3>
    <label class="field"><span class="field-label">${t('inbox.link')}</span>
      <select name="link_id" required aria-required="true" data-convert-link><option value="">${t('inquiry.choose')}</option>
      ${links.map((c) => html`<optgroup label="${c.name}">${c.links.map((l) => html`<option value="${l.id}">${l.name}</option>`)}</optgroup>`)}
      </select></label>
    <label class="field"><span class="field-label">${t('inbox.enterpriseId')}</span>
      <input name="enterprise_id" type="number" min="1" step="1" inputmode="numeric"></label>
    <label class="field"><span class="field-label">${t('inquiry.uscc')}</span>
      <input name="uscc" maxlength="30" value="${d.uscc ?? ''}" ${d.uscc ? html`readonly` : ''}></label>
    <fieldset class="field"><legend class="field-label">${t('inbox.headquarters')}</legend>
      <input name="lon" type="number" step="any" inputmode="decimal" placeholder="${t('inbox.lon')}" aria-label="${t('inbox.lon')}">
      <input name="lat" type="number" step="any" inputmode="decimal" placeholder="${t('inbox.lat')}" aria-label="${t('inbox.lat')}">
      <small class="field-hint">${t('inbox.headquartersHint')}</small></fieldset>
    <label class="field"><span class="field-label">${t('targets.priority')}</span>
      <select name="priority">${codeList('priority').map((p) => html`<option value="${p.code}" ${p.code === 'medium' ? html`selected` : ''}>${codeLabel('priority', p.code)}</option>`)}</select></label>
    <button type="submit" class="btn btn-small btn-primary" data-convert-submit>${t('inbox.convert')}</button>
  </form>`;
}

function chosenHtml(d) {
  if (!d.chosen?.length) return '';
  return html`<section class="detail-section"><h3>${t(`inbox.origin.${d.origin}`)}</h3>
    <ol class="inbox-chosen" data-chosen>${d.chosen.map((c) => html`<li data-chosen-id="${c.id}">${c.name} · ${c.park_name}</li>`)}</ol></section>`;
}

/** One inquiry for staff, with its contact details and what may be done next; `chains` (with
 * their links) for the conversion of a contacted one. */
export function inquiryDetailHtml(d, { mayWrite, chains = [] }) {
  const open = ['new', 'assigned', 'contacted'].includes(d.status);
  const row = (label, value) => html`<div class="kv"><dt>${label}</dt><dd>${value ?? t('detail.none')}</dd></div>`;
  const actions = mayWrite && open ? html`<div class="inbox-actions">
      ${d.status !== 'contacted' ? html`<button type="button" class="btn btn-small" data-inquiry-move="assigned">${t('inbox.assignMe')}</button>
        <button type="button" class="btn btn-small btn-primary" data-inquiry-move="contacted">${t('inbox.contacted')}</button>` : ''}
      <label class="field"><span class="field-label">${t('inbox.closeReason')}</span>
        <input name="reason" maxlength="500" data-close-reason></label>
      <button type="button" class="btn btn-small" data-inquiry-move="closed">${t('inbox.closeIt')}</button>
      ${d.status === 'contacted' ? conversionHtml(d, chains) : ''}
      <p class="form-error" data-inbox-error role="alert" hidden></p></div>` : '';
  return html`<header class="inbox-head"><button type="button" class="btn btn-small" data-inbox-back>← ${t('inbox.back')}</button>
      <button type="button" class="detail-close" data-inbox-close aria-label="${t('inquiry.close')}">×</button></header>
    <h2 id="inbox-title">${d.company} <span class="badge status-${d.status}" data-detail-status="${d.status}">${codeLabel('inquiry_status', d.status)}</span>
      ${d.overdue ? html`<span class="badge overdue">${t('inbox.overdue')}</span>` : ''}</h2>
    <p class="muted">${d.reference} · ${itemName(d)} · ${d.region_name}</p>
    ${d.overdue || d.status === 'new' ? html`<p class="muted">${t('inbox.due', { date: dateTime(d.due_at) })}</p>` : ''}
    <section class="detail-section"><h3>${t('inbox.contacts')}</h3><dl class="kvs" data-contacts>
      ${row(t('inquiry.contact'), d.contact_person)}
      ${row(t('inquiry.phone'), d.phone ? html`<a href="tel:${d.phone}">${d.phone}</a>` : null)}
      ${row(t('inquiry.email'), d.email ? html`<a href="mailto:${d.email}">${d.email}</a>` : null)}
      ${row(t('inquiry.uscc'), d.uscc)}</dl></section>
    <dl class="kvs">
      ${row(t('inquiry.industry'), d.industry)}
      ${row(t('inquiry.investment'), d.investment_wan !== null ? num(d.investment_wan, 0) : null)}
      ${row(t('inquiry.area'), d.area_mu !== null ? num(d.area_mu, 1) : null)}
      ${row(t('inquiry.timeline'), d.timeline ? codeLabel('inquiry_timeline', d.timeline) : null)}
      ${row(t('inquiry.message'), d.message)}
      ${d.close_reason ? row(t('inbox.closeReason'), d.close_reason) : ''}
      ${d.target_id ? html`<div class="kv" data-converted-target="${d.target_id}"><dt>${codeLabel('inquiry_status', 'converted')}</dt>
        <dd>${t('inbox.target', { id: d.target_id })}${d.enterprise_id ? ` · ${t('inbox.enterprise', { id: d.enterprise_id })}` : ''}</dd></div>` : ''}</dl>
    ${chosenHtml(d)}
    ${actions}
    <section class="detail-section"><h3>${t('inbox.history')}</h3><ol class="inbox-history">
      ${d.history.map((e) => html`<li>${dateTime(e.changed_at)} · ${codeLabel('inquiry_status', e.to_status)} · ${e.changed_by}${
    e.note ? ` · ${e.note}` : ''}</li>`)}</ol></section>`;
}
