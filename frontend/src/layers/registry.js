// The layer control: basemaps, then overlay layers in groups, each with its legend.
//
// A layer is registered once with its group and its legend; the control, the URL state
// and the visibility logic need nothing else. Later layers (chain gaps, targets, projects)
// are one more registerLayer() call in their own module, and one more group if needed.
import L from '../leaflet.js';
import { t } from '../i18n.js';
import * as state from '../state.js';
import { basemapList, getDatum } from '../map.js';
import { html, setHtml } from '../html.js';

export const GROUPS = ['admin', 'parks', 'carriers', 'industry', 'staff'];
const layers = [];

/**
 * def: {id, group, titleKey, legend(): Html (html.js), setVisible(bool), minZoom?, available?(): bool}
 * The layer draws itself; the registry only tells it when it is on or off.
 */
export function registerLayer(def) {
  layers.push(def);
}

const offered = (layer) => !layer.available || layer.available();

export function applyVisibility(visibleIds) {
  layers.forEach((layer) => layer.setVisible(visibleIds.includes(layer.id) && offered(layer)));
}

function basemapHtml(current) {
  const items = basemapList().map((b) => html`
    <label class="lc-row">
      <input type="radio" name="basemap" value="${b.id}" ${b.id === current ? 'checked' : ''}>
      <span>${t(`basemap.${b.id}`)}</span>
    </label>`);
  const note = current === 'offline' ? t('basemap.offlineNote') : getDatum() === 'gcj02' ? t('basemap.gcjNote') : '';
  return html`<fieldset class="lc-group"><legend>${t('layers.basemap')}</legend>${items}
    ${note ? html`<p class="lc-note">${note}</p>` : ''}</fieldset>`;
}

function groupHtml(group, visible, zoom) {
  const members = layers.filter((l) => l.group === group && offered(l));
  if (!members.length) return html``;
  const rows = members.map((l) => {
    const on = visible.includes(l.id);
    const tooFar = l.minZoom && zoom < l.minZoom;
    return html`<div class="lc-layer ${on ? 'is-on' : ''}">
      <label class="lc-row">
        <input type="checkbox" value="${l.id}" ${on ? 'checked' : ''} data-layer="${l.id}">
        <span>${t(l.titleKey)}</span>
        ${on && tooFar ? html`<small class="lc-minzoom">${t('layer.minZoom')}</small>` : ''}
      </label>
      ${on ? html`<div class="legend" data-legend="${l.id}">${l.legend()}</div>` : ''}
    </div>`;
  });
  return html`<fieldset class="lc-group"><legend>${t(`layers.group.${group}`)}</legend>${rows}</fieldset>`;
}

export const LayerControl = L.Control.extend({
  options: { position: 'topright' },

  onAdd(map) {
    this._map = map;
    const root = L.DomUtil.create('div', 'layer-control');
    setHtml(root, html`<button type="button" class="lc-toggle" aria-expanded="false">
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3 2 8l10 5 10-5-10-5zm-10 9 10 5 10-5M2 16l10 5 10-5"
        fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/></svg>
        <span class="lc-title"></span></button>
      <div class="lc-body" id="layer-panel"></div>`);
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    this._root = root;
    this._body = root.querySelector('.lc-body');
    const toggle = root.querySelector('.lc-toggle');
    // Open by default where there is room beside Jiangxi; on small screens it starts folded.
    this.setOpen(window.matchMedia('(min-width: 1200px)').matches);
    toggle.addEventListener('click', () => this.setOpen(!root.classList.contains('is-open')));
    this._body.addEventListener('change', (e) => {
      const input = e.target;
      if (input.name === 'basemap') state.set({ basemap: input.value });
      else if (input.dataset.layer) {
        const ids = new Set(state.get().layers);
        if (input.checked) ids.add(input.dataset.layer);
        else ids.delete(input.dataset.layer);
        // Keep the registry's order so the URL is stable.
        state.set({ layers: layers.map((l) => l.id).filter((id) => ids.has(id)) });
      }
    });
    map.on('zoomend', () => this.render());
    this.render();
    return root;
  },

  isOpen() {
    return this._root.classList.contains('is-open');
  },

  setOpen(open) {
    this._root.classList.toggle('is-open', open);
    this._root.querySelector('.lc-toggle').setAttribute('aria-expanded', String(open));
  },

  render() {
    if (!this._body) return;
    const s = state.get();
    this._root.querySelector('.lc-title').textContent = t('layers.title');
    setHtml(this._body, html`${basemapHtml(s.basemap)}${GROUPS.map((g) => groupHtml(g, s.layers, this._map.getZoom()))}`);
  },
});
