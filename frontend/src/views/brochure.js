// 招商册 links: the printable brochure of what the page shows (a park; the region or cluster the
// list is filtered on), as PDF and as a web page, in the page's language. Staff also get the
// internal edition (contacts, gap analysis, target lists; the server refuses it to anyone else).
import { getLang, t } from '../i18n.js';
import { html } from '../html.js';
import { isStaff } from '../auth.js';

export function brochureHref(scope, key, format, edition = 'public') {
  const params = new URLSearchParams({ lang: getLang() });
  if (edition !== 'public') params.set('edition', edition);
  return `/api/v1/brochures/${scope}/${encodeURIComponent(key)}.${format}?${params}`;
}

/** The brochure scope of a region filter: Jiangxi's city adcodes end in 00, its counties' do not. */
export function regionScope(adcode) {
  return /^36\d\d00$/.test(adcode) && adcode !== '360000' ? 'city' : 'county';
}

/** `published`: false for a draft, whose public edition does not exist (staff still get the internal one). */
export function brochureLinks(scope, key, published = true) {
  const link = (format, edition, label) => html`<a class="btn" href="${brochureHref(scope, key, format, edition)}"
    target="_blank" rel="noopener" data-brochure-link="${format}-${edition}">${label}</a>`;
  return html`<p class="brochure-links" data-brochure="${scope}">
    ${published ? html`${link('pdf', 'public', t('brochure.pdf'))}${link('html', 'public', t('brochure.web'))}` : ''}
    ${isStaff() ? link('pdf', 'internal', t('brochure.internal')) : ''}</p>`;
}
