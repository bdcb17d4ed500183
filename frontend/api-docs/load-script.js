// Swagger UI and ReDoc ship as prebuilt browser bundles that set a global (window.SwaggerUIBundle,
// window.Redoc). Vite copies them, with a content hash, from their npm packages (`?url`), and
// they are loaded as script files of the service: no CDN, and no inline script for the
// Content-Security-Policy to refuse.

/** Load the script at `src` (a URL of the service); resolves once it has run. */
export function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}
