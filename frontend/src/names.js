// Names in the page's language. In English mode: a region's English name (Nanchang City,
// Honggutan District), a park's official English name, or else the pinyin of its Chinese name,
// which is a romanisation and is marked as one (geodata/NAMES.md). Chinese otherwise.
import { getLang, t } from './i18n.js';
import { html } from './html.js';

// The English names of the parks the page has loaded, for records that carry only a park's id
// and Chinese name (a carrier's park, a park's parent and parts).
const parkNames = new Map();

/** Keep the English names of loaded park Features. */
export function rememberParks(features) {
  features.forEach((f) => parkNames.set(f.id, { name_en: f.properties.name_en, name_pinyin: f.properties.name_pinyin }));
}

const english = () => getLang() === 'en';

function forms(p) {
  const known = parkNames.get(p.id) ?? {};
  return { official: p.name_en || known.name_en, pinyin: p.name_pinyin || known.name_pinyin };
}

/** A park (anything with id, name and maybe name_en, name_pinyin) as plain text. */
export function parkName(p) {
  if (!english()) return p.name;
  const { official, pinyin } = forms(p);
  return official || pinyin || p.name;
}

/** A park's name as markup: in English mode a pinyin name says, on hover, that it is no official name. */
export function parkNameHtml(p) {
  const { official, pinyin } = forms(p);
  if (!english() || official || !pinyin) return parkName(p);
  return html`<span class="pinyin-name" data-pinyin title="${t('names.pinyin')}">${pinyin}</span>`;
}

/** A region's name: `en` in English mode where there is one. */
export function localName(name, en) {
  return english() && en ? en : name;
}
