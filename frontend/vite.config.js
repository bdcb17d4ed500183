// Vite writes the page into the folder FastAPI serves (app/web/static.py); `make frontend` runs it.
// Besides the map (index.html) it builds the API's documentation pages (api-docs/: Swagger UI
// at /docs, ReDoc at /redoc) from their npm packages, so that they load nothing from a CDN.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../app/static/dist', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Leaflet's few small images go inline; everything else is a hashed file cached for a year.
    assetsInlineLimit: 8192,
    target: 'es2020',
    sourcemap: false,
    rollupOptions: {
      input: Object.fromEntries(['index.html', 'api-docs/swagger.html', 'api-docs/redoc.html', 'api-docs/oauth2-redirect.html']
        .map((page) => [page.replace(/\.html$/, ''), fileURLToPath(new URL(page, import.meta.url))])),
    },
  },
  server: {
    // `npm run dev` serves the page with hot reload and sends API calls to `make run`'s server.
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
});
