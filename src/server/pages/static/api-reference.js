// /api: starts Swagger UI (loaded before this from /assets/swagger-ui-bundle.js) on this origin's
// /openapi.json. Nothing reaches another origin: the spec validator badge is off (validatorUrl: null),
// ?url= / ?configUrl= in the address are ignored (queryConfigEnabled: false), and "Try it out" sends
// to the document's server, which is this origin (the document names no servers).
(() => {
  'use strict';
  const node = document.getElementById('swagger-ui');
  if (!node || typeof window.SwaggerUIBundle !== 'function') return;
  window.SwaggerUIBundle({
    url: node.dataset.url,
    domNode: node,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null,
    queryConfigEnabled: false,
    // Off: it makes each operation's path a link inside the button that opens it (axe: nested-interactive).
    deepLinking: false,
    // Off: its themes colour some JSON tokens below 4.5:1 against their background (axe: color-contrast).
    syntaxHighlight: false,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
  });
})();
