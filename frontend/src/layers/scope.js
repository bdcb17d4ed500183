// "My editing area", for signed-in officers: the outline of the cities and counties they may
// edit, so they see at a glance which parks are theirs. Offered in the layer control only
// after sign-in (registry `available`), and gone again on sign-out.
import L from '../leaflet.js';
import { t } from '../i18n.js';
import { regionName, regions } from '../data.js';
import { coordsToMap, onDatumChange } from '../map.js';
import { onAuthChange, user } from '../auth.js';
import { registerLayer } from './registry.js';
import { html } from '../html.js';

let map;
let visible = false;
const group = L.layerGroup();

function available() {
  const me = user();
  return me.role === 'officer' && me.regions.length > 0;
}

async function draw() {
  group.clearLayers();
  if (!visible || !available()) {
    group.remove();
    return;
  }
  const wanted = new Set(user().regions);
  const [cities, counties] = await Promise.all([regions('city'), regions('county')]);
  group.clearLayers();
  const features = [...cities.features, ...counties.features].filter((f) => wanted.has(f.id));
  group.addLayer(L.geoJSON({ type: 'FeatureCollection', features }, {
    pane: 'regions', interactive: false, coordsToLatLng: coordsToMap,
    style: { className: 'scope-outline', color: '#e8590c', weight: 3, dashArray: '8 5', fillColor: '#e8590c', fillOpacity: 0.06 },
  }));
  group.addTo(map);
}

function legend() {
  const names = user().regions.map((a) => regionName(a) ?? a).join('、');
  return html`<ul class="legend-list"><li><span class="legend-line scope"></span>${t('layer.scopeLegend')}</li></ul>
    <p class="legend-note" data-scope-regions>${names}</p>`;
}

export function initScope(theMap) {
  map = theMap;
  onAuthChange(() => draw().catch(() => {}));
  onDatumChange(() => draw().catch(() => {}));
  registerLayer({
    id: 'scope', group: 'staff', titleKey: 'layer.scope', legend, available,
    setVisible(on) {
      visible = on;
      draw().catch(() => {});
    },
  });
}
