import { AggregateRepository } from '@dv/persistence';
import { type Connection } from 'mongoose';
import { type VolumeDoc, volumeModel } from './volume.model';

/** A volume's hold on its name: the id, and whether it is being purged (its deleted event is out). */
export type NameHolder = Pick<VolumeDoc, '_id' | 'purging'>;

/** What the reconcile sweep needs of a due volume. */
export type DueVolume = Pick<VolumeDoc, '_id' | 'nextAttemptAt' | 'attempts'>;

/** The data volumes (`datavolumes`): the aggregate's guarded writes, and the few queries the service asks. */
export class VolumeRepository extends AggregateRepository<VolumeDoc> {
  constructor(connection: Connection) {
    super(volumeModel(connection), 'data volume', 'name in this cluster');
  }

  /** The volume holding a name key, if any (the unique index is the truth). */
  nameHolder(nameKey: string): Promise<NameHolder | null> {
    return this.findOneFields({ nameKey }, ['purging']);
  }

  /** Whether a volume other than `id` holds the name key. */
  nameKeyTakenByOther(nameKey: string, id: string): Promise<boolean> {
    return this.exists({ nameKey, _id: { $ne: id } });
  }

  /** The volumes due at `now` (those recorded before schedules existed have none: due now), due-first. */
  due(now: string, limit: number): Promise<DueVolume[]> {
    return this.findFields({ $or: [{ nextAttemptAt: { $lte: now } }, { nextAttemptAt: { $exists: false } }] }, ['nextAttemptAt', 'attempts'], {
      sort: { nextAttemptAt: 1, _id: 1 },
      limit,
    });
  }

  /** The ids of the volumes that originate in a project. */
  async idsInProject(projectId: string): Promise<string[]> {
    return (await this.findFields({ projectId }, [])).map((v) => v._id);
  }

  /** The volumes that originate in a project, as stored (a list scan: decide with `read`). */
  inProject(projectId: string): Promise<VolumeDoc[]> {
    return this.findMany({ projectId });
  }

  /**
   * Moves the reconciler's schedule (its own bookkeeping: no event) while the volume is still at
   * `version`; nothing when it changed or went meanwhile. A claimed revision like every other write:
   * a plain update of the head would be a read-then-write on FerretDB, able to put back a head a
   * guarded writer had just replaced (decision 0012).
   */
  async reschedule(id: string, version: number, schedule: Pick<VolumeDoc, 'nextAttemptAt' | 'attempts'>): Promise<void> {
    await this.updateWithoutEvents(id, (current) => current.version === version, { $set: schedule });
  }
}
