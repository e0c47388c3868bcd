import { type z } from 'zod';

/**
 * An event contract: the subject it is published on (which is also its CloudEvents `type`) tied to
 * the schema of its `data`. Publishing or handling with the wrong payload does not compile; a wrong
 * payload at runtime is rejected on both sides.
 */
export interface EventDefinition<T extends string = string, D extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly type: T;
  readonly data: D;
  readonly description: string;
}

export function defineEvent<const T extends string, D extends z.ZodType>(def: { type: T; data: D; description: string }): EventDefinition<T, D> {
  return { kind: 'event', ...def };
}

/** The data a publisher passes. */
export type EventDataInput<E extends EventDefinition> = z.input<E['data']>;
/** The data a handler receives (validated). */
export type EventData<E extends EventDefinition> = z.output<E['data']>;
