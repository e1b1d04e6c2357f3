// GET /openapi.json and the Swagger UI at /docs, served from the swagger-ui-dist package
// (no CDN: deployments often cannot reach the internet, and the UI should not either).
import { Router, static as serveStatic } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openApiDocument } from './openapi';

const SWAGGER_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
/** From the TypeScript source or from the build in dist/. */
const VERSION = (() => {
  const file = [resolve(__dirname, '../../package.json'), resolve(__dirname, '../../../package.json')].find((f) => existsSync(f));
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : '0.0.0';
})();

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>tracehold API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
};
`;

/** The UI needs its own scripts and styles, and nothing from elsewhere. */
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

export function docsRouter(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(openApiDocument({ version: VERSION }));
  });
  router.use('/docs', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    next();
  });
  router.get('/docs', (_req, res) => res.type('html').send(PAGE));
  router.get('/docs/init.js', (_req, res) => res.type('application/javascript').send(INIT));
  router.use('/docs', serveStatic(SWAGGER_DIR, { index: false, fallthrough: true }));
  return router;
}
