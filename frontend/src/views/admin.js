// The markup of the admin page's tables: users, API keys and audit entries, one row each.
// Names, display names and key names are typed by admins (and usernames appear as audit
// actors): all of it is record text.
import { t } from '../i18n.js';
import { dateTime as when } from '../format.js';
import { html } from '../html.js';
import { regionName } from '../data.js';

export const COLLECTIONS = ['parks', 'carriers', 'clusters', 'regions'];

export function regionLabel(adcode) {
  return regionName(adcode) ?? adcode;
}

function regionChips(list) {
  return list.length ? list.map((a) => html`<span class="tag">${regionLabel(a)}</span> `) : html`<span class="muted">${t('admin.allProvince')}</span>`;
}

/** A user's row; `self` is the signed-in admin's username (who cannot disable themselves). */
export function userRow(u, self) {
  const status = u.disabled ? html`<span class="badge draft">${t('admin.disabled')}</span>`
    : u.locked_until && new Date(u.locked_until) > new Date() ? html`<span class="badge draft">${t('admin.locked')}</span>`
      : html`<span class="badge ok">${t('admin.active')}</span>`;
  return html`<tr data-user="${u.username}">
    <td><b>${u.display_name}</b><br><small class="muted">${u.username}</small></td>
    <td>${t(`role.${u.role}`)}</td>
    <td>${regionChips(u.region_adcodes)}</td>
    <td>${status}${u.must_change_password ? html`<br><small class="muted" data-must-change>${t('admin.mustChange')}</small>` : ''}</td>
    <td>${u.username === self ? '' : html`<button type="button" class="btn btn-small" data-toggle-user="${u.id}"
      data-disabled="${u.disabled}">${t(u.disabled ? 'admin.enable' : 'admin.disable')}</button>
      <button type="button" class="btn btn-small btn-danger" data-reset-user="${u.id}">${t('admin.resetPassword')}</button>`}</td></tr>`;
}

export function keyRow(k) {
  const expired = k.expires_at && new Date(k.expires_at) < new Date();
  const status = k.revoked_at ? html`<span class="badge draft">${t('admin.revoked')}</span>`
    : expired ? html`<span class="badge draft">${t('admin.expired')}</span>` : html`<span class="badge ok">${t('admin.active')}</span>`;
  const collections = k.collections.map((c) => (COLLECTIONS.includes(c) ? t(`admin.collection.${c}`) : c)).join('、');
  return html`<tr data-key="${k.name}" data-key-id="${k.id}">
      <td><b>${k.name}</b><br><small class="muted"><code>${k.prefix}…</code></small></td>
      <td>${collections}<br><small class="muted">${t(k.access === 'write' ? 'admin.readWrite' : 'admin.readOnly')}</small></td>
      <td>${regionChips(k.region_adcodes)}</td>
      <td>${when(k.expires_at)}<br><small class="muted">${t('admin.lastUsed')} ${when(k.last_used_at)}</small></td>
      <td>${status}</td>
      <td>${k.revoked_at ? '' : html`<button type="button" class="btn btn-small btn-danger" data-revoke="${k.id}">${t('admin.revoke')}</button>`}</td></tr>`;
}

export function auditRow(e) {
  return html`<tr data-audit="${e.id}">
    <td>${when(e.at)}</td><td>${e.actor}</td><td>${t(`audit.action.${e.action}`)}</td>
    <td>${e.table} <b>${e.record_id ?? ''}</b></td>
    <td><small>${Object.keys(e.changes ?? {}).join('、')}</small></td></tr>`;
}
