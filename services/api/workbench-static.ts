// Serves the built workbench (web/dist) at `/`. Any other GET that asks for HTML and is not
// an API or operator path gets index.html, so deep links (/cases/…) load the app; the API's
// paths are never shadowed, whichever order the routers are mounted in.
import * as fs from 'node:fs';
import * as path from 'node:path';
import express, { Router } from 'express';

/** Paths the single-page fallback never answers: the API and the operator endpoints. */
export const RESERVED_PREFIXES = ['/v1', '/openapi.json', '/docs', '/metrics', '/admin', '/healthz', '/readyz'] as const;

/** web/dist of the checkout: beside services/ when run from source, one level up when compiled to dist/. */
export const WEB_DIST = [path.resolve(__dirname, '../../web/dist'), path.resolve(__dirname, '../../../web/dist')]
  .find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? path.resolve(__dirname, '../../web/dist');

/** The page may load its own scripts, styles and images (canvas exports are data:/blob: URLs) and call its own API. */
const WORKBENCH_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
  "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

export function isReserved(urlPath: string): boolean {
  return RESERVED_PREFIXES.some((p) => urlPath === p || urlPath.startsWith(p + '/') || urlPath.startsWith(p + '?'));
}

export function workbenchRouter(dist: string = WEB_DIST): Router {
  const router = Router();
  const indexFile = path.join(dist, 'index.html');
  // Only what the workbench serves gets its policy; everything else keeps the API's.
  router.use('/assets', express.static(path.join(dist, 'assets'), {
    immutable: true, maxAge: '365d', index: false, fallthrough: true,
    setHeaders: (res) => res.setHeader('Content-Security-Policy', WORKBENCH_CSP),
  }));
  router.get(/.*/, (req, res, next) => {
    // Only a browser navigation (it asks for text/html by name) gets the page; an API client
    // asking for an unknown path still gets the JSON 404.
    if (isReserved(req.path) || !(req.get('accept') ?? '').includes('text/html')) return next();
    if (path.extname(req.path) && req.path !== '/index.html') return next();
    if (!fs.existsSync(indexFile)) {
      res.status(503).type('text/plain').send('The workbench is not built: run `npm install` (or `npm run build:web`).');
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', WORKBENCH_CSP);
    res.sendFile(indexFile);
  });
  return router;
}
