import { type EventEnvelope } from '@dv/contracts';
import { Schema, type SchemaDefinition } from 'mongoose';

/**
 * An aggregate document that carries its own outbox: the events of a change are written in the
 * same single-document update as the change, so both land or neither does (no transactions).
 */
export interface Aggregate {
  _id: string;
  /** Incremented by every change: optimistic concurrency and the events' aggregate version. */
  version: number;
  /** Events written but not yet published; the relay publishes then removes them. */
  outbox: EventEnvelope[];
  /** Counts every stored change, bookkeeping included (GuardedStore): the key of its revision claims. */
  rev?: number;
}

/** The fields to add to an aggregate's mongoose schema. */
export const aggregateFields: SchemaDefinition = {
  _id: { type: String, required: true },
  version: { type: Number, required: true, default: 0 },
  outbox: { type: [Schema.Types.Mixed], default: [] },
  rev: { type: Number, default: 1 },
};
