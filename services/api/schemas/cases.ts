// Schemas of the case routes' queries and answers.
import { z } from 'zod';
import { CASE_STATUSES, RUN_STATUSES } from '../../store';
import { cursorParam, limitParam } from '../cursor';

export const caseListQuery = z
  .strictObject({
    q: z.string().trim().min(1).max(200).optional()
      .meta({ description: 'Words of the title or the reference, or exactly a seed address or transaction hash.' }),
    status: z.enum(CASE_STATUSES).optional(),
    closed: z.enum(['true', 'false']).transform((v) => v === 'true').optional()
      .meta({ description: '`true`: closed cases only; `false`: open cases only.' }),
    limit: limitParam(200, 50),
    cursor: cursorParam.optional(),
  })
  .meta({ id: 'CaseListQuery' });

export const runListQuery = z.strictObject({ limit: limitParam(200, 50), cursor: cursorParam.optional() });

export const runJson = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    status: z.enum(RUN_STATUSES),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    toBlock: z.number().int().nullable().meta({ description: 'The block the run traces up to, once pinned.' }),
    error: z.string().nullable(),
    stats: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'TraceRun' });
