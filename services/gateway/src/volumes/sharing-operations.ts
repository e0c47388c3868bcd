import { SharingRpc, sharedScopeEntrySchema } from '@dv/contracts';
import { z } from 'zod';
import { type ApiOperation } from '../api/api-operation';
import { READS_YOUR_WRITES, REVISION_HEADERS } from '../http/revision-header';
import { patchSharedScopesBodySchema } from './shared-scopes-body';
import { volumeIdParamsSchema } from './volume-id-param';

const TAGS = ['Data volumes'];
const sharedScopesAnswerSchema = z.array(sharedScopeEntrySchema);

/**
 * The data-volume calls beyond the first slice (decision 0022): sharedScopes and settings. The first
 * slice's descriptors are in `operations.ts` beside this file.
 */
export const VOLUME_SHARING_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: 'getDataVolumeSettings',
    method: 'GET',
    path: '/api/v1/datavolumes/settings',
    tags: TAGS,
    summary: 'Whether data volumes are enabled (one deployment serves one tenant).',
    responses: { 200: { description: 'The setting.', schema: z.object({ enableDataVolumes: z.boolean() }) } },
    errors: [],
    calls: [],
  },
  {
    operationId: 'getDataVolumeSharedScopes',
    method: 'GET',
    path: '/api/v1/datavolumes/{id}/sharedScopes',
    tags: TAGS,
    summary: "A volume's sharing list (the scopes the caller may view).",
    params: volumeIdParamsSchema,
    description: READS_YOUR_WRITES,
    responses: { 200: { description: 'The sharing list.', schema: sharedScopesAnswerSchema } },
    errors: [400, 403, 404],
    calls: [SharingRpc.list.subject],
  },
  {
    operationId: 'updateDataVolumeSharedScopes',
    method: 'PATCH',
    path: '/api/v1/datavolumes/{id}/sharedScopes',
    tags: TAGS,
    summary: 'Share with scopes and unshare (at most 50 of each); answers the whole list.',
    params: volumeIdParamsSchema,
    body: patchSharedScopesBodySchema,
    description: READS_YOUR_WRITES,
    responses: { 200: { description: 'The sharing list after the change.', schema: sharedScopesAnswerSchema, headers: REVISION_HEADERS } },
    errors: [400, 403, 404, 412, 413],
    calls: [SharingRpc.update.subject],
  },
];
