// The markup of the search box's suggestions: parks, cities and counties, then "filter by
// this name".
import { codeLabel, t } from '../i18n.js';
import { html } from '../html.js';
import { localName, parkNameHtml } from '../names.js';

/** The suggestions `items` for the typed `q`, the one at `active` highlighted. */
export function suggestionsHtml(items, q, active) {
  if (!items.length) return html`<li class="sugg-empty">${t('search.none', { q })}</li>`;
  const rows = items.map((it, i) => {
    const kind = it.kind === 'park' ? t('search.kind.park') : t(`search.kind.${it.level}`);
    const context = localName(it.context, it.context_en);
    const detail = it.kind === 'park' ? `${codeLabel('park_level', it.level)} · ${context}` : context || '';
    return html`<li role="option" id="sugg-${i}" class="sugg ${i === active ? 'is-active' : ''}" data-index="${i}"
      aria-selected="${i === active}">
      ${it.kind === 'park' ? html`<span class="park-dot t-${it.type} l-${it.level}"></span>` : html`<span class="sugg-region"></span>`}
      <span class="sugg-text"><b>${it.kind === 'park' ? parkNameHtml(it) : localName(it.name, it.name_en)}</b><small>${detail}</small></span>
      <span class="sugg-kind">${kind}</span></li>`;
  });
  return html`${rows}<li class="sugg sugg-all ${active === items.length ? 'is-active' : ''}" data-index="${items.length}">
      ${t('search.all', { q })}</li>`;
}

/** One line instead of suggestions: loading, or why there are none (`error`: it failed). */
export function searchMessage(text, error = false) {
  return html`<li class="sugg-empty ${error ? 'is-error' : ''}">${text}</li>`;
}
