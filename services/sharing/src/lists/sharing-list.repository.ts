import { AggregateRepository } from '@dv/persistence';
import { type Connection } from 'mongoose';
import { type SharingListDoc, sharingListModel } from './sharing-list.model';

/** The sharing lists (`sharing_lists`, one per volume): the aggregate's guarded writes and the scans the reactions need. */
export class SharingListRepository extends AggregateRepository<SharingListDoc> {
  constructor(connection: Connection) {
    super(sharingListModel(connection), 'sharing list', 'volume');
  }

  /** The lists that name a scope id (of any type: the caller checks the type), with their scopes. */
  sharedWith(scopeId: string): Promise<Pick<SharingListDoc, '_id' | 'scopes'>[]> {
    return this.findFields({ 'scopes.scopeId': scopeId }, ['scopes']);
  }
}
