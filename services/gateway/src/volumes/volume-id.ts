import { validationError } from '../http/validate';
import { volumeIdParamsSchema } from './volume-id-param';

/** The `{id}` of a data-volume path: a uuid, or 400 naming `id` (an unknown uuid is the service's 404). */
export function volumeIdOf(raw: string): string {
  if (!volumeIdParamsSchema.shape.id.safeParse(raw).success) throw validationError([{ field: 'id', message: 'must be a data volume id (uuid)' }]);
  return raw;
}
