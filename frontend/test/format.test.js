// Numbers, areas, ranges and dates as people read them, in both languages.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { setLang } from '../src/i18n.js';
import { area, date, dateTime, num, range, withUnit } from '../src/format.js';

// setLang names the page's language and title on the document: a stand-in is all node needs.
globalThis.document ??= { documentElement: {}, title: '' };
afterEach(() => setLang('zh'));

test('numbers are grouped and rounded, empty values stay empty', () => {
  assert.equal(num(1234567.891), '1,234,567.89');
  assert.equal(num(2.5, 0), '3');
  assert.equal(num(null), '');
  assert.equal(num(''), '');
  setLang('en');
  assert.equal(num(1234.5, 1), '1,234.5');
});

test('an area reads in mu with square metres beside it', () => {
  assert.equal(area(56733), '85.1 亩（56,733 m²）');
  assert.equal(area(null), '—');
  setLang('en');
  assert.equal(area(10000 / 15), '1 mu（667 m²）');
});

test('ranges read as bounds', () => {
  assert.equal(range({ min: 1, max: 2.5 }), '1–2.5');
  assert.equal(range({ min: 1.2, max: 1.2 }), '1.2');
  assert.equal(range({ min: 1, max: null }), '≥ 1');
  assert.equal(range({ min: null, max: 20 }, '%'), '≤ 20%');
  assert.equal(range({ min: null, max: 24 }, 'm'), '≤ 24 m');
  assert.equal(range(null), '—');
  assert.equal(withUnit(35, 'unit.wanPerMu'), '35 万元/亩');
  assert.equal(withUnit(null, 'unit.wanPerMu'), '—');
});

test('dates: the day of an ISO date, local time of a timestamp, a word when missing', () => {
  assert.equal(date('2025-03-01T00:00:00Z'), '2025-03-01');
  assert.equal(date(null), '未注明');
  const at = new Date(2025, 0, 2, 3, 4);
  assert.equal(dateTime(at.toISOString()), '2025-01-02 03:04');
  assert.equal(dateTime('not a date'), 'not a date');
  assert.equal(dateTime(null), '—');
});
