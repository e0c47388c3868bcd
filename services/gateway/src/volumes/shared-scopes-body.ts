import { MAX_SHARING_CHANGES, shareableScopeRefSchema } from '@dv/contracts';
import { z } from 'zod';

const scopeRef = z.strictObject(shareableScopeRefSchema.shape);

/**
 * `PATCH /api/v1/datavolumes/{id}/sharedScopes`: scopes to add and to remove, at most 50 of each
 * (the reference's limit); an unknown field, at the top or in a scope, is refused by name. Nothing
 * to add or remove changes nothing: the answer is the list (as GET answers it).
 */
export const patchSharedScopesBodySchema = z.strictObject({
  add: z.array(scopeRef).max(MAX_SHARING_CHANGES).default([]),
  remove: z.array(scopeRef).max(MAX_SHARING_CHANGES).default([]),
});
