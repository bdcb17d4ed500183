// /redoc: ReDoc over the service's OpenAPI.
import bundle from 'redoc/bundles/redoc.standalone.js?url&no-inline';
import { loadScript } from './load-script.js';

loadScript(bundle).then(() => window.Redoc.init('/openapi.json', {}, document.getElementById('redoc')));
