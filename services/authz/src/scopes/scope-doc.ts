import { type ScopeChange } from '@dv/org';
import { type ScopeDoc, scopeKey } from './scope.model';

/**
 * The stored form of a create, rename or move, for the projection collection. A delete is stored by
 * `ScopeRepository.markDeleted` as a flag on the document, which keeps the scope's name and parent:
 * a replica that starts from the snapshot then places the tombstone where every other replica has
 * it, and decides the same about it.
 */
export function scopeDocOf(change: Extract<ScopeChange, { kind: 'upsert' }>): ScopeDoc {
  const c = change.change;
  return {
    _id: scopeKey(c.type, c.id),
    type: c.type,
    id: c.id,
    name: c.name,
    parentType: c.parent?.scopeType ?? null,
    parentId: c.parent?.scopeId ?? null,
    ...(c.namespace !== undefined ? { namespace: c.namespace } : {}),
    deleted: false,
    version: c.version,
  };
}
