import { type ScopeChange } from '@dv/org';
import { type ScopeDoc, scopeKey } from './scope.model';

/** The stored form of a change, for the projection collection. */
export function scopeDocOf(change: ScopeChange): ScopeDoc {
  if (change.kind === 'delete') {
    return { _id: scopeKey(change.type, change.id), type: change.type, id: change.id, name: change.id, parentType: null, parentId: null, deleted: true, version: change.version };
  }
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
