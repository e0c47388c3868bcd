import { DATA_VOLUME_FIELDS, DATA_VOLUME_REQUEST_TYPES, type RpcRequestInput, VolumeRpc, filterItemSchema, idSchema } from '@dv/contracts';
import { z } from 'zod';
import { type RawQuery, parseQuery, queryInt } from '../api/parse-query';
import { parseOrThrow } from '../http/validate';

export type { RawQuery } from '../api/parse-query';

export type VolumeListRequest = RpcRequestInput<typeof VolumeRpc.list>;

/**
 * The query of `GET /api/v1/datavolumes` and `/count` (the reference's names, those of dv.volume.list):
 * `requestType` required as in the reference, `filterBy` (or `filterBy[]`) single or repeated.
 */
export const volumeListQuerySchema = z.object({
  requestType: z.enum(DATA_VOLUME_REQUEST_TYPES, { error: 'is required (Originated or UsableInProject)' }),
  usableInProjectId: idSchema.optional(),
  offset: queryInt({ min: 0 }).optional(),
  limit: queryInt({ min: 1, max: 500 }).optional(),
  sortBy: z.enum(DATA_VOLUME_FIELDS).optional(),
  sortOrder: z.enum(['asc', 'desc']).optional(),
  filterBy: z.array(filterItemSchema).max(50).optional(),
  search: z.string().max(256).optional(),
});

/**
 * The query as the request of dv.volume.list: parsed by its schema (unknown and repeated parameters
 * refused by name), then checked by the contract (filter fields, the project with UsableInProject).
 */
export function volumeListQuery(query: RawQuery): VolumeListRequest {
  const request = parseQuery(volumeListQuerySchema, query);
  parseOrThrow(VolumeRpc.list.request, request, 'query');
  return request;
}
