// The search box: suggestions from /api/v1/search as one types (parks, cities, counties),
// keyboard navigation, and Enter without a choice filters the parks by name.
import { getJSON, isAbort, query } from './api.js';
import { t } from './i18n.js';
import * as state from './state.js';
import { html, setHtml } from './html.js';
import { searchMessage, suggestionsHtml } from './views/search.js';
import { fitWgsBounds, flyToPark } from './navigate.js';
import { parkName } from './names.js';

const DEBOUNCE_MS = 180;

let input;
let list;
let items = [];
let active = -1;
let timer = null;
let controller = null;

/** Show `content` (an Html) under the box, or hide the list when it is empty. */
function show(content = html``) {
  setHtml(list, content);
  list.hidden = !list.childElementCount;
  input.setAttribute('aria-expanded', String(!list.hidden));
}

async function suggest() {
  const q = input.value.trim();
  controller?.abort();
  if (!q) {
    items = [];
    show();
    return;
  }
  controller = new AbortController();
  show(searchMessage(t('search.loading')));
  try {
    const result = await getJSON(`/api/v1/search?${query({ q, limit: 8 })}`, { signal: controller.signal });
    items = result.items;
    active = -1;
    show(suggestionsHtml(items, q, active));
  } catch (err) {
    if (!isAbort(err)) show(searchMessage(t('search.failed', { msg: err.message }), true));
  }
}

function choose(index) {
  const q = input.value.trim();
  const it = items[index];
  show();
  if (!it) {
    if (q) state.setFilters({ q });
    return;
  }
  if (it.kind === 'park') {
    input.value = parkName(it);
    flyToPark(it.location[1], it.location[0]);
    state.set({ open: { kind: 'park', id: it.id } }, { history: 'push' });
  } else {
    input.value = '';
    const [w, s, e, n] = it.bbox;
    state.setFilters({ region: it.adcode, q: '' });
    fitWgsBounds([[s, w], [n, e]]);
  }
  input.blur();
}

export function initSearch(inputEl, listEl) {
  input = inputEl;
  list = listEl;
  input.value = state.get().filters.q ?? '';
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (e) => {
    const count = items.length + 1; // the suggestions and "filter by this name"
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (list.hidden) return;
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : count - 1) + count) % count;
      show(suggestionsHtml(items, input.value.trim(), active));
      input.setAttribute('aria-activedescendant', `sugg-${active}`);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(timer);
      choose(active >= 0 ? active : -1);
    } else if (e.key === 'Escape') {
      show();
    }
  });
  input.addEventListener('search', () => { // the clear (×) button of a type=search field
    if (!input.value && state.get().filters.q) state.setFilters({ q: '' });
  });
  // pointerdown, not click: it comes before the input's blur hides the list.
  list.addEventListener('pointerdown', (e) => {
    const li = e.target.closest('[data-index]');
    if (!li) return;
    e.preventDefault();
    choose(Number(li.dataset.index));
  });
  input.addEventListener('blur', () => setTimeout(() => show(), 150));
  state.subscribe((s, changed) => {
    if (changed.has('filters') && !s.filters.q && document.activeElement !== input) input.value = '';
    if (changed.has('lang')) input.placeholder = t('search.placeholder');
  });
}
