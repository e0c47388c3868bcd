import { z } from 'zod';
import { parseOrThrow } from '../http/validate';

/** The path parameters of `/api/v1/datavolumes/{id}`. */
export const volumeIdParamsSchema = z.object({ id: z.uuid('must be a data volume id (uuid)').describe('The data volume id (uuid).') });

/** The `{id}` of a data-volume path: a uuid, or 400 naming `id` (an unknown uuid is the service's 404). */
export function volumeIdOf(raw: string): string {
  return parseOrThrow(volumeIdParamsSchema, { id: raw }, 'id').id;
}
