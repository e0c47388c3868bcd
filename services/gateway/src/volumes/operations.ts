import { VolumeRpc, sharedScopeSchema } from '@dv/contracts';
import { z } from 'zod';
import { type ApiOperation } from '../api/api-operation';
import { nameApiSchema } from '../api/api-schema-names';
import { publicVolumeSchema, publicVolumeWithScopesSchema } from './public-volume';
import { createVolumeBodySchema, patchVolumeBodySchema } from './volume-bodies';
import { volumeIdParamsSchema } from './volume-id-param';
import { volumeListQuerySchema } from './volume-list-query';
import { nameAvailabilityQuerySchema } from './name-availability-query';

nameApiSchema(publicVolumeSchema, 'DataVolume');
nameApiSchema(publicVolumeWithScopesSchema, 'DataVolumeWithSharedScopes');
nameApiSchema(sharedScopeSchema, 'SharedScope');

const TAGS = ['Data volumes'] as const;
const PATH = '/api/v1/datavolumes';

export const volumeListAnswerSchema = z.object({
  next: z.number().int().min(0).optional().describe('The offset of the next page; absent on the last one.'),
  datavolumes: z.array(publicVolumeSchema),
});
export const volumeCountAnswerSchema = z.object({ count: z.number().int().min(0) });
export const volumeDeletionAnswerSchema = z.object({ code: z.literal(202), message: z.string() });

/** The data-volume calls of the reference (docs/decisions/0020), as the controllers parse and answer them. */
export const VOLUME_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: 'listDataVolumes',
    method: 'GET',
    path: PATH,
    tags: TAGS,
    summary: 'List data volumes',
    description:
      'Originated: volumes whose origin project lies in the scopes where the caller may read data volumes. UsableInProject: volumes originating in or shared with the project. Answered without sharedScopes.',
    query: volumeListQuerySchema,
    responses: { 200: { description: 'A page of data volumes.', schema: volumeListAnswerSchema } },
    // 404: UsableInProject names a project that does not exist.
    errors: [400, 403, 404],
    calls: [VolumeRpc.listPage.subject],
  },
  {
    operationId: 'countDataVolumes',
    method: 'GET',
    path: `${PATH}/count`,
    tags: TAGS,
    summary: 'Count data volumes',
    description: 'How many volumes the same list query selects (paging ignored).',
    query: volumeListQuerySchema,
    responses: { 200: { description: 'The count.', schema: volumeCountAnswerSchema } },
    errors: [400, 403, 404],
    calls: [VolumeRpc.count.subject],
  },
  {
    operationId: 'getDataVolumeNameAvailability',
    method: 'GET',
    path: `${PATH}/name-availability`,
    tags: TAGS,
    summary: 'Whether a name is free in a cluster',
    query: nameAvailabilityQuerySchema,
    responses: { 204: { description: 'The name is free.' } },
    errors: [400, 409],
    calls: [VolumeRpc.nameAvailability.subject],
  },
  {
    operationId: 'getDataVolume',
    method: 'GET',
    path: `${PATH}/{id}`,
    tags: TAGS,
    summary: 'Get a data volume',
    description: 'With the shared scopes the caller may view.',
    params: volumeIdParamsSchema,
    responses: { 200: { description: 'The data volume.', schema: publicVolumeWithScopesSchema } },
    errors: [400, 403, 404],
    calls: [VolumeRpc.get.subject],
  },
  {
    operationId: 'createDataVolume',
    method: 'POST',
    path: PATH,
    tags: TAGS,
    summary: 'Create a data volume from a Bound PVC of the project',
    description: 'Answered in phase Creating (sharedScopes empty); the volume becomes Ready once its Kubernetes side holds.',
    body: createVolumeBodySchema,
    responses: { 201: { description: 'The data volume, phase Creating.', schema: publicVolumeWithScopesSchema } },
    errors: [400, 403, 404, 409, 412, 413, 415],
    calls: [VolumeRpc.create.subject],
  },
  {
    operationId: 'updateDataVolume',
    method: 'PATCH',
    path: `${PATH}/{id}`,
    tags: TAGS,
    summary: 'Change the description of a data volume',
    description: 'The description only: name, PVC and project are immutable. Answered without sharedScopes.',
    params: volumeIdParamsSchema,
    body: patchVolumeBodySchema,
    responses: { 200: { description: 'The data volume after the change.', schema: publicVolumeSchema } },
    errors: [400, 403, 404, 413, 415],
    calls: [VolumeRpc.update.subject],
  },
  {
    operationId: 'deleteDataVolume',
    method: 'DELETE',
    path: `${PATH}/{id}`,
    tags: TAGS,
    summary: 'Delete a data volume',
    description: 'Refused with 412 while a workload uses it (the workloads named in details).',
    params: volumeIdParamsSchema,
    responses: { 202: { description: 'The deletion is under way (phase Deleting).', schema: volumeDeletionAnswerSchema } },
    errors: [400, 403, 404, 412],
    calls: [VolumeRpc.delete.subject],
  },
];
