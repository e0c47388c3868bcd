import { dataVolumeSchema, sharedScopeEntrySchema, sharedScopeSchema } from '@dv/contracts';
import { z } from 'zod';

/** What `publicVolume` answers, for the API description: the record without its internal fields. */
export const publicVolumeSchema = dataVolumeSchema.omit({ namespace: true, storage: true, version: true, sharedScopes: true });
export const publicVolumeWithScopesSchema = publicVolumeSchema.extend({ sharedScopes: z.array(sharedScopeSchema) });
export const sharedScopesAnswerSchema = z.array(sharedScopeEntrySchema);
