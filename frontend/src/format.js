// Numbers, areas, indicator ranges and dates as people read them, in the page's language.
import { getLang, t } from './i18n.js';

const MU_M2 = 10000 / 15; // 1 亩 = 666.67 m²

export function num(value, digits = 2) {
  if (value === null || value === undefined || value === '') return '';
  return Number(value).toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: digits });
}

/** "85.1 亩（56,733 m²）" from square metres. */
export function area(m2) {
  if (m2 === null || m2 === undefined) return t('detail.none');
  return `${num(m2 / MU_M2, 1)} ${t('unit.mu')}（${num(m2, 0)} ${t('unit.m2')}）`;
}

/** A published bound as people write it: "≥ 1.0", "≤ 20%", "1.0–2.5". */
export function range(r, unit = '') {
  if (!r || (r.min === null && r.max === null)) return t('detail.none');
  const u = unit ? (unit === '%' ? '%' : ` ${unit}`) : '';
  if (r.min !== null && r.max !== null) {
    return r.min === r.max ? `${num(r.min)}${u}` : `${num(r.min)}–${num(r.max)}${u}`;
  }
  return r.min !== null ? `≥ ${num(r.min)}${u}` : `≤ ${num(r.max)}${u}`;
}

export function withUnit(value, unitKey, digits = 2) {
  if (value === null || value === undefined) return t('detail.none');
  return `${num(value, digits)} ${t(unitKey)}`;
}

export function date(value) {
  if (!value) return t('detail.unknownDate');
  return String(value).slice(0, 10);
}

/** A timestamp from the API as local "YYYY-MM-DD HH:mm" (the API writes UTC). */
export function dateTime(value) {
  if (!value) return t('detail.none');
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
