import { dataVolumeNameSchema, idSchema } from '@dv/contracts';
import { z } from 'zod';

/** `GET /api/v1/datavolumes/name-availability`: both required, nothing else. */
export const nameAvailabilityQuerySchema = z.strictObject({ dataName: dataVolumeNameSchema, clusterId: idSchema });
