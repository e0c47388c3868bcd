import { isDuplicateKeyError, ProjectionRepository } from '@dv/persistence';
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
   * Marks a scope deleted as of `version` (a tombstone that keeps the name and parent it had, see
   * scopeDocOf), unless a newer state is stored. A plain conditional upsert, as it was written
   * before the repositories (not a revision claim; see docs/decisions/0021-repositories.md).
   */
  async markDeleted(type: ScopeType, id: string, version: number): Promise<void> {
    await this.model
      .updateOne(
        { _id: scopeKey(type, id), version: { $lt: version } },
        { $set: { deleted: true, version }, $setOnInsert: { type, id, name: id, parentType: null, parentId: null } },
        { upsert: true },
      )
      .exec()
      .catch((error: unknown) => {
        // A stored tombstone or newer state collided with the upsert: already projected.
        if (!isDuplicateKeyError(error)) throw error;
      });
  }
}
