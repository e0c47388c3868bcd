import { type DataVolume, dataVolumeSchema, publicDataVolumeSchema } from '@dv/contracts';
import { z } from 'zod';

/**
 * A data volume as the public API shows it. Our record also holds the project's namespace, the
 * origin PV's storage and the aggregate version: internal, left out at the edge (docs/decisions/0020).
 * `sharedScopes` only where the reference has it (get and create), not in lists or patch answers.
 */
export const publicVolumeSchema = publicDataVolumeSchema;
export const publicVolumeWithScopesSchema = publicVolumeSchema.extend({ sharedScopes: dataVolumeSchema.shape.sharedScopes });

export type PublicVolume = z.output<typeof publicVolumeSchema> & { sharedScopes?: DataVolume['sharedScopes'] };

export function publicVolume(volume: DataVolume, options: { withSharedScopes: boolean }): PublicVolume {
  const { namespace: _namespace, storage: _storage, version: _version, sharedScopes, ...shown } = volume;
  return options.withSharedScopes ? { ...shown, sharedScopes } : shown;
}
