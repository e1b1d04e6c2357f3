// Validation of a model change: `{model}` naming one of the five taint models.
import { BadRequestError, InvalidInputError } from '../errors';
import { TAINT_MODELS, type TaintModel } from '../domain/types';

export function validateModel(body: unknown): TaintModel {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('expected a JSON object {model}');
  const model = (body as { model?: unknown }).model;
  if (typeof model !== 'string') throw new BadRequestError('model must be a string');
  if (!(TAINT_MODELS as readonly string[]).includes(model)) throw new InvalidInputError(`model must be one of ${TAINT_MODELS.join(', ')}`);
  return model as TaintModel;
}
