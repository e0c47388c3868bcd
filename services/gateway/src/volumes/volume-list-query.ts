import { type RpcRequestInput, VolumeRpc } from '@dv/contracts';
import { type FieldIssue, parseOrThrow, validationError } from '../http/validate';

/** A query string as Fastify parses it: repeated keys become arrays. */
export type RawQuery = Record<string, string | string[] | undefined>;

export type VolumeListRequest = RpcRequestInput<typeof VolumeRpc.list>;

const SCALARS = ['requestType', 'usableInProjectId', 'sortBy', 'sortOrder', 'search'] as const;
const INTEGERS = ['offset', 'limit'] as const;

/**
 * The query of `GET /api/v1/datavolumes` and `/count` as the request of dv.volume.list (same names):
 * integers parsed, `filterBy` (or `filterBy[]`) repeated or single, `requestType` required as in the
 * reference; the contract's schema then checks ranges, sort fields and filter operators. Unknown
 * parameters and repeated single-valued ones are refused by name.
 */
export function volumeListQuery(query: RawQuery): VolumeListRequest {
  const issues: FieldIssue[] = [];
  const request: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (key === 'filterBy' || key === 'filterBy[]') {
      request['filterBy'] = [...((request['filterBy'] as string[] | undefined) ?? []), ...(Array.isArray(value) ? value : [value])];
    } else if (!(SCALARS as readonly string[]).includes(key) && !(INTEGERS as readonly string[]).includes(key)) {
      issues.push({ field: key, message: 'is not a parameter of this call' });
    } else if (Array.isArray(value)) {
      issues.push({ field: key, message: 'must be given once' });
    } else if ((INTEGERS as readonly string[]).includes(key)) {
      if (/^\d{1,9}$/.test(value)) request[key] = Number(value);
      else issues.push({ field: key, message: 'must be a non-negative integer' });
    } else {
      request[key] = value;
    }
  }
  if (request['requestType'] === undefined && !issues.some((i) => i.field === 'requestType'))
    issues.push({ field: 'requestType', message: 'is required (Originated or UsableInProject)' });
  if (issues.length > 0) throw validationError(issues);
  parseOrThrow(VolumeRpc.list.request, request, 'query');
  return request as VolumeListRequest;
}
