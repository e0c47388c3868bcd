import { type EventEnvelope } from '@dv/contracts';

/** What an event handler knows besides the event's data. */
export interface EventHandlingContext {
  readonly envelope: Omit<EventEnvelope, 'data'>;
  readonly subject: string;
  /** The event's sequence in its stream: the revision a reader may wait for. */
  readonly streamSequence: number;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  /**
   * Aborted once the consumer is stopping (the service's graceful stop). A handler that works through
   * many units (volumes of a project…) checks it between them and gives up with a transient error
   * (UNAVAILABLE): the event then goes back at once to another replica, and the stop does not wait
   * for the rest. Handlers are idempotent, so the next delivery does the whole work again.
   */
  readonly signal: AbortSignal;
}
