import { SharingRpc, VolumeRpc } from '@dv/contracts';
import { z } from 'zod';
import { type ApiOperation } from '../api/api-operation';
import { AT_LEAST_HEADER, AT_LEAST_HEADER_DESCRIPTION, REVISION_HEADER, REVISION_HEADER_DESCRIPTION } from '../http/revision-header';
import { nameAvailabilityQuerySchema } from './name-availability-query';
import { publicVolumeSchema, publicVolumeWithScopesSchema, sharedScopesAnswerSchema } from './public-volume-schema';
import { patchSharedScopesBodySchema } from './shared-scopes-body';
import { createVolumeBodySchema, patchVolumeBodySchema } from './volume-bodies';
import { volumeIdParamsSchema } from './volume-id-param';
import { volumeListQuerySchema } from './volume-list-query';

const TAGS = ['Data volumes'];
const readHeaders = { [AT_LEAST_HEADER]: AT_LEAST_HEADER_DESCRIPTION };
const revisionHeaders = { [REVISION_HEADER]: REVISION_HEADER_DESCRIPTION };

/** The data-volume calls of the reference (`/api/v1/datavolumes`), mapped in decisions 0020 and 0022. */
export const VOLUME_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: 'listDataVolumes',
    method: 'GET',
    path: '/api/v1/datavolumes',
    tags: TAGS,
    summary: 'List data volumes (Originated, or UsableInProject).',
    query: volumeListQuerySchema,
    headers: readHeaders,
    responses: {
      200: {
        description: 'A page of volumes, without sharedScopes; `next` is the offset of the next page.',
        schema: z.object({ next: z.number().int().optional(), datavolumes: z.array(publicVolumeSchema) }),
      },
    },
    errors: [400, 403, 404],
    calls: [VolumeRpc.list.subject],
  },
  {
    operationId: 'countDataVolumes',
    method: 'GET',
    path: '/api/v1/datavolumes/count',
    tags: TAGS,
    summary: 'How many volumes the same list query returns.',
    query: volumeListQuerySchema,
    headers: readHeaders,
    responses: { 200: { description: 'The count.', schema: z.object({ count: z.number().int() }) } },
    errors: [400, 403, 404],
    calls: [VolumeRpc.count.subject],
  },
  {
    operationId: 'getDataVolumeNameAvailability',
    method: 'GET',
    path: '/api/v1/datavolumes/name-availability',
    tags: TAGS,
    summary: 'Whether a name is free in a cluster: 204 free, 409 taken.',
    query: nameAvailabilityQuerySchema,
    responses: { 204: { description: 'The name is free.' } },
    errors: [400, 403, 409],
    calls: [VolumeRpc.nameAvailability.subject],
  },
  {
    operationId: 'getDataVolumeSettings',
    method: 'GET',
    path: '/api/v1/datavolumes/settings',
    tags: TAGS,
    summary: 'Whether data volumes are enabled (the deployment serves one tenant).',
    responses: { 200: { description: 'The setting.', schema: z.object({ enableDataVolumes: z.boolean() }) } },
    errors: [],
    calls: [],
  },
  {
    operationId: 'getDataVolume',
    method: 'GET',
    path: '/api/v1/datavolumes/{id}',
    tags: TAGS,
    summary: 'One data volume, with the shared scopes the caller may view.',
    params: volumeIdParamsSchema,
    headers: readHeaders,
    responses: { 200: { description: 'The volume.', schema: publicVolumeWithScopesSchema } },
    errors: [400, 403, 404],
    calls: [VolumeRpc.get.subject],
  },
  {
    operationId: 'createDataVolume',
    method: 'POST',
    path: '/api/v1/datavolumes',
    tags: TAGS,
    summary: 'Create a data volume from a Bound PVC of the project.',
    body: createVolumeBodySchema,
    headers: readHeaders,
    responses: { 201: { description: 'The volume, phase Creating.', schema: publicVolumeWithScopesSchema, headers: revisionHeaders } },
    errors: [400, 403, 404, 409, 412, 413],
    calls: [VolumeRpc.create.subject],
  },
  {
    operationId: 'updateDataVolume',
    method: 'PATCH',
    path: '/api/v1/datavolumes/{id}',
    tags: TAGS,
    summary: 'Change the description (the only mutable field).',
    params: volumeIdParamsSchema,
    body: patchVolumeBodySchema,
    headers: readHeaders,
    responses: { 200: { description: 'The volume, without sharedScopes.', schema: publicVolumeSchema, headers: revisionHeaders } },
    errors: [400, 403, 404, 412, 413],
    calls: [VolumeRpc.update.subject],
  },
  {
    operationId: 'deleteDataVolume',
    method: 'DELETE',
    path: '/api/v1/datavolumes/{id}',
    tags: TAGS,
    summary: 'Delete a data volume; refused (412) while a workload uses it.',
    params: volumeIdParamsSchema,
    headers: readHeaders,
    responses: {
      202: { description: 'The deletion is under way.', schema: z.object({ code: z.number().int(), message: z.string() }), headers: revisionHeaders },
    },
    errors: [400, 403, 404, 412],
    calls: [VolumeRpc.delete.subject],
  },
  {
    operationId: 'getDataVolumeSharedScopes',
    method: 'GET',
    path: '/api/v1/datavolumes/{id}/sharedScopes',
    tags: TAGS,
    summary: "A volume's sharing list (the scopes the caller may view).",
    params: volumeIdParamsSchema,
    headers: readHeaders,
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
    headers: readHeaders,
    responses: { 200: { description: 'The sharing list after the change.', schema: sharedScopesAnswerSchema, headers: revisionHeaders } },
    errors: [400, 403, 404, 412, 413],
    calls: [SharingRpc.update.subject],
  },
];
