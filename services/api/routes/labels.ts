// POST /v1/labels: a label CSV or a GraphSense TagPack, all or nothing.
import { Router, text } from 'express';
import { parseLabelCsv, parseTagPack } from '../../labels';
import { BadRequestError } from '../../errors';
import { importLabels } from '../../tracing/label-import';
import type { TraceDeps } from '../../tracing/deps';
import { allow } from '../auth';
import { UnsupportedMediaTypeError } from '../http-errors';

const CSV = ['text/csv'];
const YAML = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

export function labelsRouter(deps: TraceDeps): Router {
  const router = Router();
  router.post(
    '/',
    allow('admin', 'analyst'),
    text({ type: [...CSV, ...YAML], limit: deps.config.api.bodyLimitBytes }),
    async (req, res) => {
      const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (![...CSV, ...YAML].includes(type)) throw new UnsupportedMediaTypeError('send text/csv or application/yaml');
      if (typeof req.body !== 'string' || req.body.length === 0) throw new BadRequestError('empty body');
      const parsed = CSV.includes(type) ? parseLabelCsv(req.body) : parseTagPack(req.body);
      res.json({ imported: await importLabels(deps.store, parsed.labels), skipped: parsed.skipped });
    },
  );
  return router;
}
