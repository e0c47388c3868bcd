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
  // Only false (or null, or absent): the schema itself says so, so the API description does too.
  shouldDeleteOriginalVolume: z
    .literal(false, { error: (issue) => (issue.input === true ? 'true is not supported: the origin PVC is kept' : 'must be false or null') })
    .nullable()
    .optional(),
});

/** `PATCH /api/v1/datavolumes/{id}`: the description only; name, PVC and project are immutable. */
export const patchVolumeBodySchema = z.strictObject({ description: dataVolumeDescriptionSchema });
