import { type EventPublisher } from '@dv/messaging';
import { type Model } from 'mongoose';
import { type Aggregate } from '../outbox/aggregate';
import { OutboxRelay, type OutboxRelayOptions } from '../outbox/outbox-relay';
import { type EventsOf, deleteAtVersion, insertWithEvents, readAggregate, updateWithEvents, updateWithoutEvents } from '../outbox/write-with-events';
import { type Update } from './filter';
import { GuardedRepository } from './guarded-repository';

/**
 * An aggregate collection (decision 0004, 0012): every change carries its events in the document's
 * outbox and is version-guarded; the fields an update names are the document's own, with values of
 * their own type (`Update<T>`).
 */
export abstract class AggregateRepository<T extends Aggregate> extends GuardedRepository<T> {
  protected constructor(
    model: Model<T>,
    what: string,
    /** The unique fields besides `_id`, named in the CONFLICT of an insert that collides. */
    private readonly uniqueFields?: string,
  ) {
    super(model, what);
  }

  override read(id: string): Promise<T | null> {
    return readAggregate(this.model, id);
  }

  /** A new aggregate at version 1 with its events; CONFLICT on a unique key. */
  insert(doc: Omit<T, 'version' | 'outbox' | 'rev'>, events: EventsOf): Promise<T> {
    return insertWithEvents(this.model, doc, events, this.what, this.uniqueFields);
  }

  /** A change with its events, only at `expectedVersion` (CONFLICT otherwise, NOT_FOUND when gone). */
  update(id: string, expectedVersion: number, update: Update<T>, events: EventsOf): Promise<T> {
    return updateWithEvents(this.model, id, expectedVersion, update, events, this.what);
  }

  /** The service's own bookkeeping (no event, no version): written only while `when` holds on the current document. */
  updateWithoutEvents(id: string, when: (current: T) => boolean, update: Update<T>): Promise<boolean> {
    return updateWithoutEvents(this.model, id, when, update, this.what);
  }

  /** Deletes the aggregate at `expectedVersion`; its final events must be published first. */
  delete(id: string, expectedVersion: number): Promise<void> {
    return deleteAtVersion(this.model, id, expectedVersion, this.what);
  }

  /** The relay that publishes this collection's outboxes. */
  relay(publisher: EventPublisher, options?: OutboxRelayOptions): OutboxRelay<T> {
    return new OutboxRelay(this.model, publisher, options);
  }
}
