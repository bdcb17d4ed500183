// A small modal form (a native <dialog>) for the workbench's writes that need more than a click:
// the signing data, a skip's reason, a monthly report. Resolves with the form's values, or null
// when cancelled. The server validates; its refusal is shown by the caller as it words it.
import { t } from '../i18n.js';
import { html, setHtml } from '../html.js';

/** Ask for the values of `fields` (Html of labelled inputs) under `title`; {name: value} or null. */
export function formDialog(title, fields, { note = '' } = {}) {
  const dialog = document.createElement('dialog');
  dialog.className = 'wb-dialog';
  setHtml(dialog, html`<form method="dialog" class="wb-dialog-form">
    <h3>${title}</h3>
    ${note ? html`<p class="muted">${note}</p>` : ''}
    ${fields}
    <div class="wb-dialog-actions">
      <button type="button" class="btn" data-cancel>${t('form.cancel')}</button>
      <button type="submit" class="btn btn-primary" data-ok>${t('form.ok')}</button>
    </div></form>`);
  document.body.append(dialog);
  return new Promise((resolve) => {
    const form = dialog.querySelector('form');
    const done = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.querySelector('[data-cancel]').addEventListener('click', () => done(null));
    dialog.addEventListener('cancel', () => done(null));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!form.reportValidity()) return;
      const values = {};
      new FormData(form).forEach((v, k) => { if (String(v).trim() !== '') values[k] = String(v).trim(); });
      done(values);
    });
    dialog.showModal();
    dialog.querySelector('input, select, textarea')?.focus();
  });
}

/** A labelled input of a dialog form. */
export function field(name, label, { type = 'text', value = '', required = false, step, min, max } = {}) {
  return html`<label class="wb-field"><span>${label}${required ? ' *' : ''}</span>
    <input name="${name}" type="${type}" value="${value ?? ''}" ${required ? 'required' : ''}
      ${step ? html`step="${step}"` : ''} ${min !== undefined ? html`min="${min}"` : ''} ${max !== undefined ? html`max="${max}"` : ''}></label>`;
}

export function textArea(name, label) {
  return html`<label class="wb-field"><span>${label}</span><textarea name="${name}" rows="2"></textarea></label>`;
}

/** Numbers of a form's values as numbers (the API wants JSON numbers, not text). */
export function numbers(values, names) {
  const out = { ...values };
  names.forEach((n) => { if (out[n] !== undefined) out[n] = Number(out[n]); });
  return out;
}
