import { z } from 'zod';
import { idSchema } from '../rpc/identity';
import { scopeTypeSchema } from '../org/scope';

/** The scopes a data volume can be shared with. */
export const SHAREABLE_SCOPE_TYPES = ['cluster', 'department', 'project'] as const;
export const shareableScopeRefSchema = z.object({ scopeType: z.enum(SHAREABLE_SCOPE_TYPES), scopeId: idSchema });
export type ShareableScopeRef = z.output<typeof shareableScopeRefSchema>;

export const MAX_SHARING_CHANGES = 50;

/** One entry of a sharing list, as returned: who shared it with which scope, and when. */
export const sharedScopeEntrySchema = z.object({
  scopeType: scopeTypeSchema,
  scopeId: idSchema,
  scopeName: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type SharedScopeEntry = z.output<typeof sharedScopeEntrySchema>;
