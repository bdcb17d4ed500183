// Leaflet for the whole page. leaflet.markercluster is a UMD script that extends the global
// `L`, so the global is set here, before any module imports the plugin.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';

window.L = L;
export default L;
