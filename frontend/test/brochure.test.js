// The 招商册 links of the park drawer and the filter panel (views/brochure.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brochureHref, brochureLinks, regionScope } from '../src/views/brochure.js';

test('a brochure link names the scope, the format and the page language', () => {
  assert.equal(brochureHref('park', 7, 'pdf'), '/api/v1/brochures/park/7.pdf?lang=zh');
  assert.equal(brochureHref('city', '360100', 'html', 'internal'), '/api/v1/brochures/city/360100.html?lang=zh&edition=internal');
  assert.equal(brochureHref('county', '../x?y', 'pdf'), '/api/v1/brochures/county/..%2Fx%3Fy.pdf?lang=zh');
});

test('a region filter is a city or a county brochure', () => {
  assert.equal(regionScope('360100'), 'city');
  assert.equal(regionScope('360700'), 'city');
  assert.equal(regionScope('360121'), 'county');
});

test('a draft has no public brochure link; the public is offered no internal edition', () => {
  const published = String(brochureLinks('park', 7));
  assert.match(published, /data-brochure-link="pdf-public"/);
  assert.match(published, /data-brochure-link="html-public"/);
  assert.doesNotMatch(published, /internal/);
  assert.doesNotMatch(String(brochureLinks('park', 7, false)), /data-brochure-link/);
});
