// /docs/assets/docs-init.js: renders /openapi.json with Swagger UI (loaded just before this file).
// A file of its own because the page's Content-Security-Policy allows no inline script.
window.ui = window.SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // Swagger UI would otherwise send the document to validator.swagger.io for a badge.
  validatorUrl: null,
});
