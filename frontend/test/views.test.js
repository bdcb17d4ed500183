// Every list, drawer and tooltip the page renders from records, fed records whose every text
// field is a hostile string: the markup must hold no element and no attribute that the same
// record with harmless text does not give, and the hostile text must be there, as text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parkHtml, carrierHtml, stateHtml } from '../src/views/detail.js';
import { carrierItem, parkItem, stateBlock } from '../src/views/results.js';
import { searchMessage, suggestionsHtml } from '../src/views/search.js';
import * as labels from '../src/views/map-labels.js';
import { flowHtml, groupedOptions, linkDetailHtml, summaryHtml } from '../src/views/chain.js';
import { historyHtml } from '../src/views/staff.js';
import { auditRow, keyRow, userRow } from '../src/views/admin.js';
import { targetRow } from '../src/views/targets.js';
import { userMenu } from '../src/views/account.js';
import { fieldsFor, fieldsHtml } from '../src/edit/form.js';

const HOSTILE = [
  '<img src=x onerror="window.__xss=1">',
  '<svg onload=window.__xss=1>',
  '"><script>window.__xss=1</script>',
  "' onmouseover='window.__xss=1' x='",
  'javascript:window.__xss=1',
  '</textarea></title><iframe src=javascript:alert(1)>',
];

// One record of each kind; `s` is every text field (codes included: the server could be wrong).
const park = (s) => ({
  id: 7, name: s, short_name: s, type: s, level: s, location_precision: s, published: false, is_demo: true,
  source: s, as_of: s, updated_at: s, city_adcode: s, region_name: s, approval_date: s, approved_area_ha: 12.5,
  leading_industries: [s, s], clusters: [{ name: s }, { name: s }], chemical_status: s, chemical_status_date: s,
  cooperation: { partner_name: s, partner_region: s, model: s, signed_date: s },
  available_carriers: { land: 2, factory: 1, office: 0 }, matching_carriers: 3,
  contacts: [{ name: s, role: s, phone: s, email: s }], profile: s,
  policies: [{ title: s, issuer: s, issued_on: s, summary: s, url: s }, { title: s, issuer: s }],
  kind: s, parent: { id: 3, name: s }, parts: [{ id: 4, name: s }, { id: 5, name: s }], county_adcodes: [s, s],
  area_ha: 30, area_kind: s, name_en: s, address: s, hotline: s, website: s, point_basis: 'county_spread',
  source_kind: 'repost', evidence: s, available_carriers_demo: { land: 1, factory: 0, office: 0 },
});
const carrier = (s, kind) => ({
  id: 9, name: s, kind, status: s, area_m2: 5000, area_mu: 7.5, park_id: 7, park_name: s, published: false, is_demo: true,
  plot_ratio: { min: 1, max: 2 }, building_density_pct: { min: null, max: 40 }, green_ratio_pct: null, height_limit_m: null,
  price_wan_per_mu: 30, rent_yuan_m2_month: null, sale_price_yuan_m2: null, lease_term_years: 50, land_use: s,
  readiness: s, description: s, source: s, as_of: s, updated_at: s, floors: 3, storey_height_m: 8, floor_load_t_m2: 3,
  has_crane: true, is_standard_land: true, investment_intensity_wan_per_mu: 300, tax_per_mu_wan: 20, energy_tce_per_wan: 0.1,
});
const link = (s) => ({ id: 3, name: s, position: 'upstream', depth: 1, gap_class: s, enterprise_count: 2, revenue_yi: 1.5,
  has_chain_leader: true, demo_enterprise_count: 1, demo_revenue_yi: 0.5, industry_codes: [s, 'C3482'],
  industry_classes: { [s]: s, C3482: s } });
const enterprise = (s) => ({ id: 11, properties: { name: s, park_name: s, region_name: s, revenue_yi: 2, tags: [s] } });
const target = (s) => ({ id: 5, enterprise_name: s, stage: s, priority: s, owner: s, chain_name: s, link_name: s, area_name: s,
  next_action: s, next_action_date: s, overdue: true, drop_reason: s, intended_park_name: s });

const VIEWS = {
  'park drawer': (s) => parkHtml(park(s), { items: [carrier(s, 'land')], count: 4 }),
  'land plot drawer': (s) => carrierHtml(carrier(s, 'land')),
  'factory drawer': (s) => carrierHtml(carrier(s, 'factory')),
  'drawer error': (s) => stateHtml(s, true),
  'park row': (s) => parkItem(park(s), true),
  'carrier row': (s) => carrierItem(carrier(s, 'land'), false),
  'list state': (s) => stateBlock('error', s),
  suggestions: (s) => suggestionsHtml([{ kind: 'park', id: 1, name: s, context: s, level: s, type: s },
    { kind: 'region', level: 'city', name: s, context: s }], s, 0),
  'no suggestion': (s) => suggestionsHtml([], s, -1),
  'search failed': (s) => searchMessage(s, true),
  'park label': (s) => labels.parkLabel(park(s)),
  'cooperation tooltip': (s) => labels.cooperationTip(s, park(s).cooperation),
  'partner label': (s) => labels.partnerLabel({ name: s, region: s }),
  'cluster tooltip': (s) => labels.clusterTip(s, [{ name: s, tier: s }, { name: s, tier: s }]),
  'region label': (s) => labels.regionLabel(s),
  'carrier tooltip': (s) => labels.carrierTip(carrier(s, 'land')),
  'target tooltip': (s) => labels.targetTip(target(s)),
  'gap tooltip': (s) => labels.gapTip({ name: s, gaps: [{ gap_class: s, chain_name: s, link_name: s }] }, 1),
  'enterprise tooltip': (s) => labels.enterpriseTip(enterprise(s).properties),
  'chain flow': (s) => flowHtml([link(s), { ...link(s), id: 4, position: 'downstream' }], 3),
  'chain summary': (s) => summaryHtml({ area: { name: s }, summary: { missing: 1 }, thresholds: { min_count: 2, min_revenue_yi: 1 } }),
  'link detail': (s) => linkDetailHtml(link(s), { status: 'ready', enterprises: [enterprise(s)], targets: { items: [target(s)], total: 1 } }),
  'link detail error': (s) => linkDetailHtml(link(s), { status: 'error', error: s }),
  'area options': (s) => groupedOptions([{ key: s, label: s, group: s }, { key: s, label: s }], s),
  history: (s) => historyHtml([{ version: 1, valid_from: s, valid_to: s, actor: `user:${s}`, data: { name: s } },
    { version: 2, valid_from: s, valid_to: null, actor: `key:${s}`, data: { name: `${s}!` } }]),
  'user row': (s) => userRow({ id: 2, username: s, display_name: s, role: s, region_adcodes: [s], disabled: false }, 'admin'),
  'key row': (s) => keyRow({ id: 3, name: s, prefix: s, collections: [s, 'parks'], access: s, region_adcodes: [s],
    expires_at: s, last_used_at: s, revoked_at: null }),
  'audit row': (s) => auditRow({ id: 4, at: s, actor: `user:${s}`, action: 'update', table: s, record_id: s, changes: { [s]: s } }),
  'target row': (s) => targetRow({ ...target(s), stage: 'dropped' }),
  'user menu': (s) => userMenu({ name: `user:${s}`, display_name: s, role: s }, [['admin', 'admin.menu']]),
  'park form': (s) => fieldsHtml(fieldsFor('park'), { ...park(s), leading_industries: [s], location: null },
    { isNew: false, regionTree: [{ adcode: s, name: s, counties: [{ adcode: s, name: s }] }], parks: [] }),
  'land plot form': (s) => fieldsHtml(fieldsFor('carrier', 'land'), { ...carrier(s, 'land'), plot_ratio: { min: s, max: s } },
    { isNew: true, regionTree: [], parks: [{ id: 7, name: s }] }),
  'factory form': (s) => fieldsHtml(fieldsFor('carrier', 'factory'), carrier(s, 'factory'),
    { isNew: false, regionTree: [], parks: [{ id: 7, name: s }] }),
};

const TAG = /<\/?([a-zA-Z][\w-]*)((?:\s+[^\s=>"']+(?:="[^"]*"|='[^']*'|=[^\s>"']*)?)*)\s*\/?>/g;
const ATTRIBUTE = /([^\s=>"']+)(?:="([^"]*)"|='([^']*)'|=([^\s>"']*))?/g;

/** The elements and attribute names of `markup`, in order: what a browser would build. */
function structure(markup) {
  return [...markup.matchAll(TAG)].map(([, name, attrs]) => [name.toLowerCase(),
    ...[...attrs.matchAll(ATTRIBUTE)].map((a) => a[1].toLowerCase())].join(' '));
}

function attributeValues(markup, wanted) {
  return [...markup.matchAll(TAG)].flatMap(([, , attrs]) => [...attrs.matchAll(ATTRIBUTE)]
    .filter((a) => wanted.includes(a[1].toLowerCase())).map((a) => a[2] ?? a[3] ?? a[4] ?? ''));
}

const escaped = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  .replace(/'/g, '&#39;');

for (const [name, render] of Object.entries(VIEWS)) {
  test(`${name}: hostile text creates no element and no attribute, and reads as text`, () => {
    const harmless = String(render('x'));
    const shape = structure(harmless);
    assert.ok(shape.length > 0 || !harmless.includes('<'), `${name} renders markup the test cannot read`);
    HOSTILE.forEach((s) => {
      const out = String(render(s));
      assert.deepEqual(structure(out), shape, `${name} with ${s}`);
      assert.doesNotMatch(out, /<(img|svg|script|iframe)\b/i);
      assert.ok(out.includes(escaped(s)), `${name}: the text of ${s} is missing`);
      attributeValues(out, ['href', 'src', 'action', 'formaction']).forEach((url) => {
        assert.doesNotMatch(url.trim(), /^javascript:/i, `${name}: a javascript: link`);
      });
    });
  });
}
