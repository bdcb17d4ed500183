// /docs: Swagger UI over the service's OpenAPI, as FastAPI's own page sets it up.
import bundle from 'swagger-ui-dist/swagger-ui-bundle.js?url&no-inline';
import 'swagger-ui-dist/swagger-ui.css';
import { loadScript } from './load-script.js';

loadScript(bundle).then(() => {
  const { SwaggerUIBundle } = window;
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    layout: 'BaseLayout',
    deepLinking: true,
    // The operations come grouped by tag, folded, with a filter box: 130-odd operations listed open at
    // once are more than a reader scans (and more than this Swagger UI renders: past ~126 open
    // operations it stops drawing after the second tag).
    docExpansion: 'none',
    filter: true,
    showExtensions: true,
    showCommonExtensions: true,
    oauth2RedirectUrl: `${window.location.origin}/docs/oauth2-redirect`,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
