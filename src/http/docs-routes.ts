// /openapi.json and /docs: the document, and Swagger UI rendering it (the `swagger-ui-dist` package,
// served from node_modules: no CDN). "Try it out" calls the document's server, PUBLIC_URL, with the
// bearer token pasted under "Authorize" (`npx gmail-sync dev-token` prints one in development).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { buildOpenApiDocument } from './openapi.ts';
import { setPagePolicy } from './page-security.ts';

const SWAGGER_DIR = path.dirname(
  fileURLToPath(import.meta.resolve('swagger-ui-dist/package.json')),
);

/** The files the page loads, and nothing else of the package (its demo page points at a petstore). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': path.join(SWAGGER_DIR, 'swagger-ui.css'),
  'swagger-ui-bundle.js': path.join(SWAGGER_DIR, 'swagger-ui-bundle.js'),
  'docs-init.js': fileURLToPath(new URL('./docs-init.js', import.meta.url)),
};

export function docsRoutes(publicUrl: string): Router {
  const router = Router();
  let document: object | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= buildOpenApiDocument(publicUrl);
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    setPagePolicy(res, { connect: [new URL(publicUrl).origin] });
    res.type('html').send(DOCS_PAGE);
  });
  // Middleware, not routes: static files, outside the API's surface and its document.
  router.use('/docs/assets', (req, res, next) => {
    const file = ASSETS[req.path.slice(1)];
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    res.sendFile(file, { maxAge: '1h' });
  });
  return router;
}

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gmail-sync API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs-init.js"></script>
</body></html>`;
