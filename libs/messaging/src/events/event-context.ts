import { type EventEnvelope } from '@dv/contracts';

/** What an event handler knows besides the event's data. */
export interface EventHandlingContext {
  readonly envelope: Omit<EventEnvelope, 'data'>;
  readonly subject: string;
  /** The event's sequence in its stream: the revision a reader may wait for. */
  readonly streamSequence: number;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
}
