// The page builds markup one way only (src/html.js): this reads every module and fails on any
// other way in, so that a new view cannot forget to escape a record's text.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const HELPER = 'html.js';

function modules(dir = SRC) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return modules(path);
    return e.name.endsWith('.js') ? [{ name: relative(SRC, path), text: readFileSync(path, 'utf8') }] : [];
  });
}

/** `pattern`'s matches in every module but the helper, as "file:line: text". */
function found(pattern) {
  return modules().filter((m) => m.name !== HELPER).flatMap((m) => m.text.split('\n')
    .map((line, i) => [line, i + 1]).filter(([line]) => pattern.test(line)).map(([line, n]) => `${m.name}:${n}: ${line.trim()}`));
}

/** Every template literal of `text` with the characters before its backtick. */
function templates(text) {
  const out = [];
  let i = 0;
  const skip = (quote) => { // from the character after an opening quote to after its closing one
    while (i < text.length && text[i] !== quote) i += text[i] === '\\' ? 2 : 1;
    i += 1;
  };
  const template = () => { // i is after the backtick: read to its end, nested templates included
    const start = i;
    while (i < text.length && text[i] !== '`') {
      if (text[i] === '\\') i += 2;
      else if (text.startsWith('${', i)) {
        i += 2;
        let depth = 1;
        while (depth && i < text.length) {
          const c = text[i];
          if (c === '{') depth += 1;
          else if (c === '}') depth -= 1;
          else if (c === '`') {
            const before = text.slice(Math.max(0, i - 8), i);
            i += 1;
            out.push({ before, body: template() });
            continue;
          } else if (c === "'" || c === '"') {
            i += 1;
            skip(c);
            continue;
          }
          i += 1;
        }
      } else i += 1;
    }
    const body = text.slice(start, i);
    i += 1;
    return body;
  };
  while (i < text.length) {
    const c = text[i];
    if (text.startsWith('//', i)) i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (text.startsWith('/*', i)) i = text.indexOf('*/', i) + 2;
    else if (c === "'" || c === '"') {
      i += 1;
      skip(c);
    } else if (c === '`') {
      const before = text.slice(Math.max(0, i - 8), i);
      i += 1;
      out.push({ before, body: template() });
    } else i += 1;
  }
  return out;
}

test('only html.js writes innerHTML, outerHTML or insertAdjacentHTML, and nothing uses document.write', () => {
  assert.deepEqual(found(/\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|createContextualFragment/), []);
});

test("Leaflet's markup sinks get markup(): tooltips, popups and divIcons", () => {
  // Leaflet puts a string given to these in as HTML: only markup() (an Html made by html``) may go there.
  assert.deepEqual(found(/\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent)\((?!markup\()/), []);
  assert.deepEqual(found(/\bhtml:(?!\s*markup\()/), []);
});

test('every template literal holding markup is an html`` template', () => {
  const untagged = modules().filter((m) => m.name !== HELPER).flatMap((m) => templates(m.text)
    .filter((tpl) => /<\/?[a-zA-Z]/.test(tpl.body.replace(/\$\{[^]*?\}/g, '')) && !/\bhtml\s*$/.test(tpl.before))
    .map((tpl) => `${m.name}: \`${tpl.body.slice(0, 60)}\``));
  assert.deepEqual(untagged, []);
  assert.ok(modules().flatMap((m) => templates(m.text)).length > 300, 'the template reader found too few templates');
});

test('no quoted string holds markup, and no markup has an inline handler or a style attribute', () => {
  // Strings would be escaped as text; handlers and style attributes are refused by the page's CSP.
  assert.deepEqual(found(/(['"])\s*<\/?[a-zA-Z][^'"]*\1/), []);
  assert.deepEqual(found(/<[a-zA-Z][^>]*\s(on[a-z]+|style)\s*=/), []);
});
