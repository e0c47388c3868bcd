import { MAX_SHARING_CHANGES, shareableScopeRefSchema } from '@dv/contracts';
import { z } from 'zod';

const scopeRef = z.strictObject(shareableScopeRefSchema.shape);

/**
 * `PATCH /api/v1/datavolumes/{id}/sharedScopes`: scopes to add and to remove, at most 50 of each
 * (the reference's limit); an unknown field, at the top or in a scope, is refused by name.
 */
export const patchSharedScopesBodySchema = z
  .strictObject({
    add: z.array(scopeRef).max(MAX_SHARING_CHANGES).default([]),
    remove: z.array(scopeRef).max(MAX_SHARING_CHANGES).default([]),
  })
  .refine((b) => b.add.length + b.remove.length > 0, { message: 'must add or remove at least one scope', path: ['add'] });
