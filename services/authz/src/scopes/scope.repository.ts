import { ProjectionRepository } from '@dv/persistence';
import { type ScopeType } from '@dv/contracts';
import { type Connection } from 'mongoose';
import { type ScopeDoc, scopeKey, scopeModel } from './scope.model';

/** authz's scope projection (`scopes`), versioned by the org stream's sequence. */
export class ScopeRepository extends ProjectionRepository<ScopeDoc> {
  constructor(connection: Connection) {
    super(scopeModel(connection), 'scope');
  }

  /** The projection as of a stream sequence: a replica's snapshot at start. */
  upTo(version: number): Promise<ScopeDoc[]> {
    return this.findMany({ version: { $lte: version } });
  }

  /**
   * Marks a scope deleted as of `version`, unless a newer state is stored: a tombstone that keeps the
   * name and parent the scope had (see scopeDocOf), or, for a scope never seen, its id as its name
   * and no parent. A claimed revision like every other write to the projection (decision 0012).
   */
  async markDeleted(type: ScopeType, id: string, version: number): Promise<void> {
    await this.upsertIfNewerFrom(scopeKey(type, id), version, (current) =>
      current
        ? { ...current, deleted: true, version }
        : { _id: scopeKey(type, id), type, id, name: id, parentType: null, parentId: null, deleted: true, version },
    );
  }
}
