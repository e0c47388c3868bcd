import { DATA_VOLUME_FIELDS, DATA_VOLUME_REQUEST_TYPES, type RpcRequestInput, type VolumeRpc, idSchema, listQuerySchema } from '@dv/contracts';
import { z } from 'zod';
import { type RawQuery, parseQuery, queryInt } from '../api/parse-query';
import { queryFilterBy } from '../api/query-filter';

export type { RawQuery } from '../api/parse-query';
export type VolumeListRequest = RpcRequestInput<typeof VolumeRpc.list>;

/** The contract's list fields (search): the same checks. */
const contract = listQuerySchema(DATA_VOLUME_FIELDS, { maxLimit: 500, defaultLimit: 50 }).shape;

/**
 * The query of `GET /api/v1/datavolumes` and `/count`, the reference's names, which are the request
 * of dv.volume.list: `requestType` required as in the reference (our contract defaults it), `limit`
 * 1–500, `offset` ≥ 0, sort fields and filter operators of the contract, `filterBy` (or `filterBy[]`)
 * once or repeated.
 */
export const volumeListQuerySchema = z
  .object({
    requestType: z.enum(DATA_VOLUME_REQUEST_TYPES, {
      error: (issue) => (issue.input === undefined ? 'is required (Originated or UsableInProject)' : 'must be Originated or UsableInProject'),
    }),
    usableInProjectId: idSchema.optional().describe('The project, with requestType UsableInProject (required there).'),
    offset: queryInt({ min: 0 }).optional().describe('How many volumes to skip (default 0).'),
    limit: queryInt({ min: 1, max: 500 }).optional().describe('Page size, 1–500 (default 50).'),
    sortBy: z.enum(DATA_VOLUME_FIELDS).optional(),
    sortOrder: z.enum(['asc', 'desc']).optional().describe('Default asc.'),
    filterBy: queryFilterBy(DATA_VOLUME_FIELDS).optional(),
    search: contract.search.describe('Free text: the name, description or project name contains it.'),
  })
  .superRefine((q, ctx) => {
    if (q.requestType === 'UsableInProject' && q.usableInProjectId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['usableInProjectId'], message: 'is required with requestType UsableInProject' });
    }
  })
  // The same rule in JSON Schema, for the API description (a rule across parameters: described as one query object).
  .meta({ if: { properties: { requestType: { const: 'UsableInProject' } }, required: ['requestType'] }, then: { required: ['usableInProjectId'] } });

/** The query as the request of dv.volume.list: the parameters given, nothing added (the service applies the defaults). */
export function volumeListQuery(query: RawQuery): VolumeListRequest {
  const parsed = parseQuery(volumeListQuerySchema, query);
  return Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined)) as VolumeListRequest;
}
