// Vite writes the page into the folder FastAPI serves (app/web/static.py); `make frontend` runs it.
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
  },
  server: {
    // `npm run dev` serves the page with hot reload and sends API calls to `make run`'s server.
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
});
