// The page's state and its URL: every part a shared link must reopen survives the round trip,
// and malformed parameters fall back to their defaults.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LAYERS, fromQuery, toQuery } from '../src/state.js';

const FULL = {
  view: { lat: 28.68234, lng: 115.85791, zoom: 11.5 },
  layers: ['regions', 'parks', 'clusters'],
  basemap: 'amap',
  lang: 'en',
  filters: { q: '高新 区&x=1', level: 'national', region: '360100', min_area: '20', max_price: '35' },
  open: { kind: 'carrier', id: 42 },
  tab: 'carriers',
  sort: 'price',
  compare: 'carrier:3,4,5',
  asked: '{"kind":"land","area":{"min":40,"unit":"mu"}}',
};

test('a full state survives toQuery -> fromQuery', () => {
  assert.deepEqual(fromQuery(toQuery(FULL)), FULL);
});

test('the default state writes no parameter and reads back as the default', () => {
  const defaults = { view: null, layers: [...DEFAULT_LAYERS], basemap: null, lang: 'zh', filters: {}, open: null, tab: 'parks', sort: '', compare: null, asked: null };
  assert.equal(toQuery(defaults), '');
  assert.deepEqual(fromQuery(''), defaults);
});

test('no layer at all is written as layers=none and read back as none', () => {
  const query = toQuery({ ...FULL, layers: [] });
  assert.match(query, /layers=none/);
  assert.deepEqual(fromQuery(query).layers, []);
});

test('malformed and unknown parameters are ignored', () => {
  const s = fromQuery('?c=95,200,8&open=park:abc&lang=fr&tab=x&from=singlemessage&level=&kind=land');
  assert.equal(s.view, null); // latitude 95 is not on Earth
  assert.equal(s.open, null);
  assert.equal(s.lang, 'zh');
  assert.equal(s.tab, 'parks');
  assert.deepEqual(s.filters, { kind: 'land' });
  assert.deepEqual(fromQuery('?c=28.1,115.2,7.3').view, { lat: 28.1, lng: 115.2, zoom: 7.5 }); // half zoom steps
});

test('a link without lang= opens in the browser language; a Chinese state then says lang=zh', () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', { value: { languages: ['en-GB', 'zh-CN'] }, configurable: true });
  try {
    assert.equal(fromQuery('?level=national').lang, 'en');
    assert.equal(fromQuery('?lang=zh').lang, 'zh');
    assert.equal(toQuery({ ...fromQuery(''), lang: 'zh' }), '?lang=zh');
    assert.equal(toQuery(fromQuery('')), '?lang=en'); // English links stay English for everybody
  } finally {
    if (saved) Object.defineProperty(globalThis, 'navigator', saved);
    else delete globalThis.navigator;
  }
});
