import { dataVolumeDescriptionSchema, dataVolumeNameSchema, idSchema, kubeObjectNameSchema } from '@dv/contracts';
import { z } from 'zod';

/**
 * `POST /api/v1/datavolumes`: the reference's creation fields, nothing else (an unknown field is
 * refused by name). `useOriginalVolume` null means the default (true); `shouldDeleteOriginalVolume`
 * true is refused as unsupported, as the reference does.
 */
export const createVolumeBodySchema = z.strictObject({
  name: dataVolumeNameSchema,
  description: dataVolumeDescriptionSchema.optional(),
  projectId: idSchema,
  originPvcName: kubeObjectNameSchema,
  useOriginalVolume: z.boolean().nullable().optional(),
  shouldDeleteOriginalVolume: z
    .boolean()
    .nullable()
    .optional()
    .refine((v) => v !== true, 'true is not supported: the origin PVC is kept'),
});

/** `PATCH /api/v1/datavolumes/{id}`: the description only; name, PVC and project are immutable. */
export const patchVolumeBodySchema = z.strictObject({ description: dataVolumeDescriptionSchema });
