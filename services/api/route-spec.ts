// One declaration per route: its path, the roles that may call it, the schemas of its
// params, query, body and answers, and the errors it can give. The same declaration mounts
// the route (role check, then validation) and describes it in the OpenAPI document, so the
// two cannot drift apart.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Role } from '../auth/api-keys';
import { BadRequestError, NotFoundError } from '../errors';
import { allow } from './auth';
import { parsePart } from './validation';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** JSON body schema; omit for a body that is not JSON (see `contentType`). */
  schema?: z.ZodType;
  /** Non-JSON answers (`text/csv`, `application/pdf`). */
  contentType?: string;
  example?: unknown;
  /** Response headers worth documenting (the next page's cursor and link). */
  headers?: Record<string, { description: string; schema: { type: 'string' } }>;
}

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** Express syntax, from the root: `/v1/cases/:id`. */
  path: string;
  roles: readonly Role[];
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  /** JSON body. Unset: the route takes no body (an empty object at most). */
  body?: B;
  /** A body that is not JSON (label files): its content types, validated by the handler. */
  textBody?: { contentTypes: readonly string[]; description: string; example: string };
  bodyExample?: unknown;
  responses: Record<number, ResponseSpec>;
  /** OpenAPI `callbacks`: requests this route makes the server send later (plain OpenAPI objects). */
  callbacks?: Record<string, unknown>;
  /** Error statuses beyond those every route can give (400, 401, 403, 429; 404 with params). */
  errors?: readonly number[];
}

/** What the handler gets, parsed. A part the spec leaves out is `unknown` (and empty). */
export interface RouteInput<S extends RouteSpec> {
  params: z.output<NonNullable<S['params']>>;
  query: z.output<NonNullable<S['query']>>;
  body: z.output<NonNullable<S['body']>>;
}

export type RouteHandler<S extends RouteSpec> = (input: RouteInput<S>, req: Request, res: Response) => Promise<void>;

/** Every declared route, in declaration order: what the OpenAPI document lists. */
export const ROUTES: RouteSpec[] = [];

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> {
  ROUTES.push(spec as unknown as RouteSpec);
  return spec;
}

/** No query parameters: any key is unknown. */
const NO_QUERY = z.strictObject({});
/** A route without a body takes nothing or `{}`. */
const NO_BODY = z.strictObject({}).optional();

/** A router mounted at `mount`; its routes are declared with full paths under it. */
export function apiRouter(mount: string) {
  const router = Router();
  return {
    router,
    /** `parsers` run after the role check, before validation (a text body parser). */
    route<S extends RouteSpec>(spec: S, handler: RouteHandler<S>, parsers: RequestHandler[] = []): void {
      if (!spec.path.startsWith(mount)) throw new Error(`route ${spec.path} is not under ${mount}`);
      const path = spec.path.slice(mount.length) || '/';
      const named: RequestHandler = (_req, res, next) => {
        res.locals.route = spec.path; // the metrics' and logs' route label
        next();
      };
      router[spec.method](path, named, allow(...spec.roles), ...parsers, validate(spec), async (req, res) => {
        await handler(res.locals.input as RouteInput<S>, req, res);
      });
    },
  };
}

function validate(spec: RouteSpec): RequestHandler {
  return (req, res, next) => {
    try {
      // A malformed id names nothing: 404, as for an id that does not exist.
      const params = spec.params ? spec.params.safeParse(req.params) : { success: true as const, data: {} };
      if (!params.success) throw new NotFoundError(`no such ${describeParams(req.params)}`);
      const query = parsePart(spec.query ?? NO_QUERY, { ...req.query }, 'query');
      let body: unknown;
      if (spec.textBody) body = req.body;
      else if (spec.body) body = parsePart(spec.body, req.body ?? {}, 'body');
      else if (req.body !== undefined) {
        if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw new BadRequestError('this route takes no body');
        parsePart(NO_BODY, req.body, 'body');
      }
      res.locals.input = { params: params.data, query, body };
      next();
    } catch (error) {
      next(error);
    }
  };
}

function describeParams(params: Record<string, string | string[]>): string {
  return Object.entries(params).map(([k, v]) => `${k} ${v}`).join(', ');
}
