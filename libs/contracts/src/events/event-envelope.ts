import { z } from 'zod';
import { subjectTypeSchema } from '../rpc/identity';
import { scopeTypeSchema } from '../org/scope';

/**
 * CloudEvents 1.0 structured JSON, with our extension attributes (flat, lower-case, as the spec
 * requires): the actor, the scope the change happened in, the aggregate's version after the change,
 * the request id and the W3C trace context.
 */
export const eventEnvelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(128),
  source: z.string().min(1).max(256),
  type: z.string().min(1).max(256),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1).max(512).optional(),
  datacontenttype: z.literal('application/json'),
  actorid: z.string().min(1).max(253),
  actortype: z.union([subjectTypeSchema, z.literal('system')]),
  scopetype: scopeTypeSchema.optional(),
  scopeid: z.string().min(1).max(253).optional(),
  aggregateversion: z.number().int().nonnegative().optional(),
  requestid: z.string().min(1).max(128).optional(),
  traceparent: z.string().max(256).optional(),
  tracestate: z.string().max(512).optional(),
  data: z.unknown(),
});
export type EventEnvelope<D = unknown> = Omit<z.output<typeof eventEnvelopeSchema>, 'data'> & { data: D };

/** The actor of an event made by the platform itself rather than on behalf of a caller. */
export const SYSTEM_ACTOR = { actorid: 'system', actortype: 'system' } as const;
