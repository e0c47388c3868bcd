import { type Decide, GuardedRepository } from '@dv/persistence';
import { type Connection } from 'mongoose';
import { type BindingDoc, bindingModel } from './binding.model';

/** The bindings (`bindings`): every change a guarded one (decision 0012), and the scans of a volume's bindings. */
export class BindingRepository extends GuardedRepository<BindingDoc> {
  constructor(connection: Connection) {
    super(bindingModel(connection), 'binding');
  }

  /** Inserts a new record; CONFLICT when one with its key is there. */
  insert(doc: BindingDoc): Promise<BindingDoc> {
    return this.insertGuarded(doc);
  }

  /** Changes a record as `decide` says (null: nothing to write); NOT_FOUND when it is gone. */
  change(id: string, decide: Decide<BindingDoc>): Promise<BindingDoc | null> {
    return this.changeGuarded(id, decide);
  }

  /** Deletes a record if `decide` agrees with the current one; NOT_FOUND when it is gone. */
  remove(id: string, decide: (current: BindingDoc) => boolean): Promise<boolean> {
    return this.removeGuarded(id, decide);
  }

  /** A volume's bindings, in every state. */
  ofVolume(volumeId: string): Promise<BindingDoc[]> {
    return this.findMany({ volumeId });
  }

  /** A volume's Bound bindings, in key order. */
  boundOfVolume(volumeId: string): Promise<BindingDoc[]> {
    return this.findMany({ volumeId, state: 'Bound' }, { sort: { _id: 1 } });
  }

  /** The records still being made or removed (`all`: every record). */
  unsettled(all: boolean): Promise<BindingDoc[]> {
    return this.findMany(all ? {} : { state: { $ne: 'Bound' } });
  }
}
