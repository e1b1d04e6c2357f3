// Request guards that run before body parsing.
import type { RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from './http-errors';

const BODY_TYPES = ['application/json', 'text/csv', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** A body we would not parse must not reach a handler as an empty object. */
export const rejectUnparsedBodies: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || req.method === 'GET' || req.method === 'HEAD') return next();
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!BODY_TYPES.includes(type)) return next(new UnsupportedMediaTypeError(`unsupported content type "${type || 'none'}"`));
  next();
};
