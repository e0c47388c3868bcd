import { dataVolumeIdSchema } from '@dv/contracts';
import { z } from 'zod';

/** The `{id}` path parameter of the data-volume calls (checked by volumeIdOf). */
export const volumeIdParamsSchema = z.object({ id: dataVolumeIdSchema });
