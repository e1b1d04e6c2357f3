// POST /v1/labels: a label CSV or a GraphSense TagPack, all or nothing.
// GET /v1/labels/:chain/:address: what is known about one address.
import { text } from 'express';
import { parseLabelCsv, parseTagPack } from '../../labels';
import { BadRequestError } from '../../errors';
import { importLabels } from '../../tracing/label-import';
import { lookupAddress } from '../../labels/lookup';
import type { TraceDeps } from '../../tracing/deps';
import { UnsupportedMediaTypeError } from '../http-errors';
import { apiRouter } from '../route-spec';
import { LABEL_CSV, LABEL_YAML, routes } from '../schemas/misc';

const TYPES: readonly string[] = [...LABEL_CSV, ...LABEL_YAML];

export function labelsRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/labels');
  api.route(
    routes.importLabels,
    async (_input, req, res) => {
      const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!TYPES.includes(type)) throw new UnsupportedMediaTypeError('send text/csv or application/yaml');
      if (typeof req.body !== 'string' || req.body.length === 0) throw new BadRequestError('empty body');
      const parsed = (LABEL_CSV as readonly string[]).includes(type) ? parseLabelCsv(req.body) : parseTagPack(req.body);
      res.json({ imported: await importLabels(deps.store, parsed.labels), skipped: parsed.skipped });
    },
    [text({ type: [...TYPES], limit: deps.config.api.bodyLimitBytes })],
  );
  api.route(routes.lookupLabels, async ({ params }, _req, res) => {
    res.json(await lookupAddress(deps, params.chain, params.address));
  });
  return api.router;
}
