// The site-selection panel's words, Chinese first with English (kept beside the panel so the
// page's shared table stays small).
import { getLang } from '../i18n.js';

const STRINGS = {
  zh: {
    button: '智慧选址', title: '智慧选址 · 按需求匹配', close: '关闭',
    kind: '载体类型', area: '面积', unit: '单位', min: '最小', max: '最大', cities: '地区（可多选）',
    landUse: '用地性质（可多选）', priceLand: '最高地价（万元/亩）', priceRent: '最高租金（元/平方米/月）',
    airport: '距机场（公里，直线）', rail: '距高铁站（公里，直线）', port: '距港口（公里，直线）',
    industry: '产业关键词', hard: '硬性', submit: '匹配', none: '没有符合硬性条件的载体。',
    matched: '{matched} 个载体符合硬性条件（共比较 {candidates} 个）', score: '得分',
    compare: '对比所选（{n}）', compareHint: '选择 2–4 个载体进行对比', back: '返回结果',
    best: '最优', source: '来源', straight: '距离均为直线距离，非驾车距离。', print: '打印',
    yes: '是', no: '否', share: '分享链接', radius: '只看地图中心多少公里内（直线）',
    exportXlsx: '导出 Excel', exportGeojson: '导出 GeoJSON',
    // The map page's filters, list and drawers (issue 12's parts of them).
    topCarriers: '{sort}排列的前 {n} 个载体（放大到园区级别可看视野内全部）', zoomHint: '放大到园区级别可在地图上逐个查看', regions: '地区（可多选）',
    regionsChosen: '已选 {n} 个地区', landUse: '用地性质',
    matching: '符合当前筛选的载体 {n} 个', others: '本园区另有 {n} 个载体不符合当前筛选',
    distances: '交通区位（直线距离）', straightKm: '直线 {km} 公里', approxFacility: '位置为近似',
    addCompare: '加入对比', inCompare: '已在对比中', tray: '对比（{n}/4）', openCompare: '查看对比',
    clearCompare: '清空', oneKind: '对比只能同为园区或同为载体：已换成新的一类。', full: '最多对比 4 个。',
    needTwo: '至少选择 2 个进行对比。',
    inquire: '咨询所选（{n}）', inquireAll: '咨询这些载体',
    place: '位置与交通（直线距离）', withinKm: '距圆心（公里）', useCentre: '以地图中心为圆心',
    ringChip: '{km} 公里范围内（直线）', kmTo: '≤ {km} 公里至{what}', maxKmAirport: '距机场不超过（公里）',
    maxKmRail: '距高铁站不超过（公里）', maxKmPort: '距港口不超过（公里）', airportWord: '机场', railWord: '高铁站', portWord: '港口',
    asked: '按匹配需求', matchScore: '匹配得分', excludedScore: '未满足硬性条件', hardMark: '硬性',
  },
  en: {
    button: 'Site selection', title: 'Site selection · match a requirement', close: 'Close',
    kind: 'Carrier kind', area: 'Area', unit: 'Unit', min: 'min', max: 'max', cities: 'Regions (several allowed)',
    landUse: 'Land use (several allowed)', priceLand: 'Max land price (10k yuan/mu)', priceRent: 'Max rent (yuan/m²/month)',
    airport: 'To an airport (km, straight line)', rail: 'To a rail station (km, straight line)',
    port: 'To a port (km, straight line)', industry: 'Industry keyword', hard: 'hard', submit: 'Match',
    none: 'No carrier meets the hard criteria.', matched: '{matched} carriers meet the hard criteria ({candidates} compared)',
    score: 'score', compare: 'Compare selected ({n})', compareHint: 'Pick 2–4 carriers to compare',
    back: 'Back to results', best: 'best', source: 'Source', straight: 'Distances are straight-line, not drive distances.',
    print: 'Print', yes: 'yes', no: 'no', share: 'Share link', radius: 'Only within km of the map centre (straight line)',
    exportXlsx: 'Export Excel', exportGeojson: 'Export GeoJSON',
    topCarriers: 'The first {n} carriers, {sort} (zoom in to a park to see all in view)',
    zoomHint: 'Zoom in to a park to see each on the map', regions: 'Regions (several allowed)',
    regionsChosen: '{n} regions chosen', landUse: 'Land use',
    matching: '{n} carriers match the current filters', others: '{n} other carriers of this park do not match them',
    distances: 'Nearby facilities (straight-line distance)', straightKm: '{km} km straight-line', approxFacility: 'approximate location',
    addCompare: 'Add to compare', inCompare: 'In the comparison', tray: 'Compare ({n}/4)', openCompare: 'Open comparison',
    clearCompare: 'Clear', oneKind: 'Compare parks with parks and carriers with carriers: the list now holds the new kind.',
    full: 'At most 4 can be compared.', needTwo: 'Choose at least 2 to compare.',
    inquire: 'Inquire about selected ({n})', inquireAll: 'Inquire about these carriers',
    place: 'Location and transport (straight line)', withinKm: 'Within (km) of the centre', useCentre: 'Centre on the map',
    ringChip: 'within {km} km (straight line)', kmTo: '≤ {km} km to {what}', maxKmAirport: 'Max km to an airport',
    maxKmRail: 'Max km to a rail station', maxKmPort: 'Max km to a port', airportWord: 'an airport', railWord: 'a rail station', portWord: 'a port',
    asked: 'Against the requirement', matchScore: 'match score', excludedScore: 'fails a hard criterion', hardMark: 'hard',
  },
};

export function s(key, params = {}) {
  const text = STRINGS[getLang()][key] ?? STRINGS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Chinese or English of a bilingual pair from the server ({zh, en}). */
export function pick(pair) {
  return pair?.[getLang()] ?? pair?.zh ?? '';
}
