// Parameters of a shared or truncated link the page cannot use are found before any request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { areaRangeInverted, hasCodedFilters, unusableFilters } from '../src/urlcheck.js';

const CODES = { park_level: ['national', 'provincial', 'municipal'], park_type: ['etdz'], carrier_kind: ['land'], carrier_status: [] };
const codes = (group) => CODES[group];

test('unknown codes, cut adcodes and non-numbers are unusable; good values are kept', () => {
  const filters = { level: 'nati', type: 'etdz', region: '3601', cluster: '7', min_area: 'abc', max_area: '20', q: '高新' };
  assert.deepEqual(unusableFilters(filters, codes), ['level', 'region', 'min_area']);
  assert.deepEqual(unusableFilters({ min_area: '-1', max_price: '', cluster: '1x' }, codes), ['min_area', 'max_price', 'cluster']);
});

test('before the codes are loaded only the coded filters wait', () => {
  assert.deepEqual(unusableFilters({ level: 'nati', region: '36' }, null), ['region']);
  assert.equal(hasCodedFilters({ level: 'nati' }), true);
  assert.equal(hasCodedFilters({ region: '360100', q: 'x' }), false);
});

test('an inverted area range is found, an open or equal one is not', () => {
  assert.equal(areaRangeInverted({ min_area: '50', max_area: '20' }), true);
  assert.equal(areaRangeInverted({ min_area: '20', max_area: '20' }), false);
  assert.equal(areaRangeInverted({ min_area: '50' }), false);
});
