import { dataVolumeNameSchema, idSchema } from '@dv/contracts';
import { z } from 'zod';

/** `GET /api/v1/datavolumes/name-availability`: both required, as in the reference. */
export const nameAvailabilityQuerySchema = z.object({
  dataName: dataVolumeNameSchema.describe('The name to check (unique per cluster).'),
  clusterId: idSchema.describe('The cluster the name would be taken in.'),
});
