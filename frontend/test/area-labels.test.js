// Issue 16: a park's area is shown under the label of its kind (规划面积, 用地面积, 围网面积 ...);
// only the 2018 catalogue's figure (approved_area_ha) is ever labelled 核准面积, and a park
// without any area says 未填报.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setCodes } from '../src/i18n.js';
import { parkHtml } from '../src/views/detail.js';

setCodes({
  park_area_kind: [
    { code: 'planned', zh: '规划面积', en: 'planned area' },
    { code: 'land_use', zh: '用地面积', en: 'land area' },
    { code: 'fenced', zh: '围网面积', en: 'fenced area' },
  ],
});

const park = (fields) => ({
  id: 1, name: '园区', short_name: null, level: 'national', type: 'etdz', kind: 'etdz', location_precision: 'town',
  source: '来源', as_of: null, updated_at: null, city_adcode: '360100', region_name: '县', approval_date: null,
  approved_area_ha: null, area_ha: null, area_kind: null, leading_industries: [], clusters: [], parts: [],
  county_adcodes: ['360121'], cooperation: null, available_carriers: { land: 0, factory: 0, office: 0 }, ...fields,
});

for (const [kind, label] of [['planned', '规划面积'], ['land_use', '用地面积'], ['fenced', '围网面积']]) {
  test(`a ${kind} area reads ${label}, never 核准面积`, () => {
    const markup = String(parkHtml(park({ area_ha: 1800, area_kind: kind }), null));
    assert.match(markup, new RegExp(`<dt>${label}</dt><dd>1,800 公顷`));
    assert.doesNotMatch(markup, /核准面积/);
  });
}

test('only the catalogue figure is a 核准面积, and no area is 未填报', () => {
  assert.match(String(parkHtml(park({ approved_area_ha: 500 }), null)), /<dt>核准面积<\/dt><dd>500 公顷/);
  assert.match(String(parkHtml(park({}), null)), /<dt>面积<\/dt><dd>未填报<\/dd>/);
});
