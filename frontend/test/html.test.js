// The html`` helper: every interpolation is escaped unless it is markup made by html`` or raw().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { html, insertHtml, markup, raw, setHtml } from '../src/html.js';

test('text is escaped, in element content and in attribute values', () => {
  const name = `<img src=x onerror="alert(1)"> & 'quoted' \`tick\``;
  assert.equal(String(html`<b title="${name}">${name}</b>`),
    '<b title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quoted&#39; &#96;tick&#96;">'
    + '&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quoted&#39; &#96;tick&#96;</b>');
});

test('markup made by html`` or raw() is kept; arrays are joined item by item', () => {
  const items = ['<a>', html`<i>${'<b>'}</i>`, raw('<svg></svg>')];
  assert.equal(String(html`<p>${items}</p>`), '<p>&lt;a&gt;<i>&lt;b&gt;</i><svg></svg></p>');
  assert.equal(String(html`${[[1, 2], [html`<br>`]]}`), '12<br>');
});

test('null and undefined render as nothing; numbers and booleans as their text', () => {
  assert.equal(String(html`[${null}${undefined}${0}${false}${1.5}]`), '[0false1.5]');
});

test('the sinks take markup only: a plain string is refused, however harmless', () => {
  const el = { innerHTML: '', insertAdjacentHTML(where, text) { this.innerHTML = `${where}:${text}`; } };
  assert.throws(() => setHtml(el, '<b>hi</b>'), TypeError);
  assert.throws(() => insertHtml(el, 'afterbegin', 'hi'), TypeError);
  assert.throws(() => markup('hi'), TypeError);
  assert.throws(() => setHtml(el, { text: '<img>', toString: () => '<img>' }), TypeError); // a look-alike is not an Html
  setHtml(el, html`<b>${'<i>'}</b>`);
  assert.equal(el.innerHTML, '<b>&lt;i&gt;</b>');
  insertHtml(el, 'afterbegin', html`<hr>`);
  assert.equal(el.innerHTML, 'afterbegin:<hr>');
  assert.equal(markup(html`<span>${'a&b'}</span>`), '<span>a&amp;b</span>');
});
