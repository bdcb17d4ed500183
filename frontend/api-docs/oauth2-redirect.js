// /docs/oauth2-redirect: where an OAuth2 sign-in started in Swagger UI comes back to. The
// service signs people in with its own session, so nothing here uses it; the page is kept so
// that the address FastAPI always offered still answers.
import script from 'swagger-ui-dist/oauth2-redirect.js?url&no-inline';
import { loadScript } from './load-script.js';

loadScript(script);
