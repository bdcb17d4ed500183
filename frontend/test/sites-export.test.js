// The match's export links: the same requirement, as the shared GET link takes it, in each format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportUrl, resultsView } from '../src/sites/views.js';
import { markup } from '../src/html.js';

const REQ = { kind: 'land', area: { min: 40, max: 60, unit: 'mu' }, industry: { keyword: '汽车&<b>' } };
const RESULT = {
  matched: 1, candidates: 2, excluded: { zh: '排除 1 个', en: '1 excluded' }, scoring: { zh: '规则', en: 'rule' },
  results: [{ rank: 1, id: 7, name: 'A', score: 90, park_name: 'P', region_name: 'R', area_mu: 50, is_demo: false, verdicts: [] }],
};

test('an export link carries the whole requirement and the format', () => {
  const url = new URL(exportUrl(REQ, 'xlsx'), 'http://x');
  assert.equal(url.pathname, '/api/v1/sites/match');
  assert.deepEqual(JSON.parse(url.searchParams.get('r')), REQ);
  assert.equal(url.searchParams.get('format'), 'xlsx');
});

test('the results offer both files, escaped, only when the requirement is known', () => {
  const page = markup(resultsView(RESULT, { kind: 'carrier', ids: [] }, REQ));
  for (const format of ['xlsx', 'geojson']) {
    const href = exportUrl(REQ, format).replaceAll('&', '&amp;');
    assert.ok(page.includes(`data-export="${format}" href="${href}"`), format);
  }
  assert.ok(!page.includes('<b>'));
  assert.ok(!markup(resultsView(RESULT, { kind: 'carrier', ids: [] })).includes('data-export'));
});
