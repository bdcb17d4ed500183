// The "new park / new carrier" buttons on the map, for signed-in writers only.
import L from '../leaflet.js';
import { t } from '../i18n.js';
import * as state from '../state.js';
import { canWrite, onAuthChange } from '../auth.js';
import { createRecord } from './editor.js';
import { html, setHtml } from '../html.js';

let container;

function render() {
  container.hidden = !canWrite();
  setHtml(container, canWrite() ? html`<span class="staff-tools-title">${t('staff.tools')}</span>
    <button type="button" class="btn btn-small" data-new="park">＋ ${t('staff.newPark')}</button>
    <button type="button" class="btn btn-small" data-new="carrier">＋ ${t('staff.newCarrierAny')}</button>` : html``);
}

export function initStaffTools(map) {
  const Tools = L.Control.extend({
    options: { position: 'topleft' },
    onAdd() {
      container = L.DomUtil.create('div', 'staff-tools');
      container.id = 'staff-tools';
      L.DomEvent.disableClickPropagation(container);
      container.addEventListener('click', (e) => {
        const button = e.target.closest('[data-new]');
        if (button) createRecord(button.dataset.new);
      });
      render();
      return container;
    },
  });
  new Tools().addTo(map);
  onAuthChange(render);
  state.subscribe((s, changed) => { if (changed.has('lang')) render(); });
}
