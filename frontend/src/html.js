// The one way the page builds markup. Record text (park and partner names, notes, user names
// ...) is written by people outside the page, so it must never become markup: html`...`
// escapes every interpolated value unless it is itself markup made here (an Html: another
// html`` result or a raw() fragment). Arrays are joined, each item escaped the same way.
//
// Sinks take only Html: setHtml() for elements and markup() for Leaflet's tooltips and
// divIcons refuse a plain string, so a view cannot hand a record's text to innerHTML by
// forgetting to escape it (frontend/test/sinks.test.js checks no other sink is used).

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

class Html {
  constructor(text) {
    this.text = text;
  }

  toString() {
    return this.text;
  }
}

function escapeText(text) {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

function fragment(value) {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (value === null || value === undefined) return '';
  return escapeText(String(value));
}

/** Markup from a template: every `${value}` is escaped unless it is an Html already. */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((value, i) => {
    out += fragment(value) + strings[i + 1];
  });
  return new Html(out);
}

/** Markup this code made and trusts (an icon, the QR code's SVG): never text from a record. */
export function raw(trusted) {
  return new Html(String(trusted));
}

function checked(content) {
  if (!(content instanceof Html)) throw new TypeError('markup must come from html`` or raw()');
  return content.text;
}

/** Replace the children of `el` by `content` (an Html). */
export function setHtml(el, content) {
  el.innerHTML = checked(content);
}

/** Add `content` (an Html) at `where` ('afterbegin', 'beforeend' ...) of `el`. */
export function insertHtml(el, where, content) {
  el.insertAdjacentHTML(where, checked(content));
}

/** The string Leaflet wants for a tooltip or a divIcon, from an Html only. */
export function markup(content) {
  return checked(content);
}
