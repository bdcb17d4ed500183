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
    add: '对比', compare: '对比所选（{n}）', compareHint: '选择 2–4 个载体进行对比', back: '返回结果',
    best: '最优', source: '来源', straight: '距离均为直线距离，非驾车距离。', print: '打印',
    yes: '是', no: '否', share: '分享链接', radius: '只看地图中心多少公里内（直线）',
    inquire: '咨询所选（{n}）', inquireAll: '咨询这些载体',
  },
  en: {
    button: 'Site selection', title: 'Site selection · match a requirement', close: 'Close',
    kind: 'Carrier kind', area: 'Area', unit: 'Unit', min: 'min', max: 'max', cities: 'Regions (several allowed)',
    landUse: 'Land use (several allowed)', priceLand: 'Max land price (10k yuan/mu)', priceRent: 'Max rent (yuan/m²/month)',
    airport: 'To an airport (km, straight line)', rail: 'To a rail station (km, straight line)',
    port: 'To a port (km, straight line)', industry: 'Industry keyword', hard: 'hard', submit: 'Match',
    none: 'No carrier meets the hard criteria.', matched: '{matched} carriers meet the hard criteria ({candidates} compared)',
    score: 'score', add: 'Compare', compare: 'Compare selected ({n})', compareHint: 'Pick 2–4 carriers to compare',
    back: 'Back to results', best: 'best', source: 'Source', straight: 'Distances are straight-line, not drive distances.',
    print: 'Print', yes: 'yes', no: 'no', share: 'Share link', radius: 'Only within km of the map centre (straight line)',
    inquire: 'Inquire about selected ({n})', inquireAll: 'Inquire about these carriers',
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
