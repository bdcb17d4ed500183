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
    showExtensions: true,
    showCommonExtensions: true,
    oauth2RedirectUrl: `${window.location.origin}/docs/oauth2-redirect`,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
