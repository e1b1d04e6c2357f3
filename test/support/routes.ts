// The routes an Express app really serves, read from its router stack (not from any
// declaration), as "METHOD /path/:param" strings.
import type { Express } from 'express';

/** Express 5 keeps a mount path only inside the layer's matcher: recover it by probing candidates. */
function mountPath(layer: any, candidates: readonly string[]): string {
  if (typeof layer.path === 'string' && layer.path !== '') return layer.path;
  for (const m of candidates) {
    if (typeof layer.match === 'function' && layer.match(m + '/probe-xyz') && !layer.match('/probe-xyz')) return m;
  }
  return '';
}

export function servedRoutes(app: Express, mounts: readonly string[]): string[] {
  const out: string[] = [];
  // A mount matches every longer path under it too: the shortest matching candidate is the mount.
  const candidates = [...new Set(mounts)].sort((a, b) => a.length - b.length);
  const walk = (stack: any[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          out.push(`${method.toUpperCase()} ${prefix}${layer.route.path === '/' ? '' : layer.route.path}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + mountPath(layer, candidates));
      }
    }
  };
  const router = (app as any).router ?? (app as any)._router;
  walk(router.stack, '');
  return [...new Set(out)].sort();
}

/** Every leading path of every route (`/v1`, `/v1/cases`, `/cases`…): the mount candidates. */
export function mountCandidates(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) for (let j = i + 1; j <= parts.length; j++) out.add('/' + parts.slice(i, j).join('/'));
  }
  return [...out].filter((m) => !m.includes(':'));
}
