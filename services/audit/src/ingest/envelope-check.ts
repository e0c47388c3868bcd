import { type EventEnvelope, SCOPE_TYPES, SUBJECT_TYPES, eventEnvelopeSchema } from '@dv/contracts';

const ACTOR_TYPES: ReadonlySet<unknown> = new Set<string>([...SUBJECT_TYPES, 'system']);
const SCOPE_TYPE_SET: ReadonlySet<unknown> = new Set<string>(SCOPE_TYPES);
/** The contract's own check of the time's format (a regex), not a copy of it. */
const timeSchema = eventEnvelopeSchema.shape.time;

const text = (v: unknown, min: number, max: number): boolean => typeof v === 'string' && v.length >= min && v.length <= max;
const optionalText = (v: unknown, min: number, max: number): boolean => v === undefined || text(v, min, max);

/**
 * The envelope checks of `eventEnvelopeSchema`, written out: no copy of the event is made, which
 * matters at a few thousand events a second. It accepts only what the schema accepts (a unit test
 * holds it to that); anything it refuses is checked again by the schema, whose verdict and message
 * stand.
 */
export function isEventEnvelope(value: unknown): value is EventEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  const version = e['aggregateversion'];
  return (
    e['specversion'] === '1.0' &&
    text(e['id'], 1, 128) &&
    text(e['source'], 1, 256) &&
    text(e['type'], 1, 256) &&
    optionalText(e['subject'], 1, 512) &&
    e['datacontenttype'] === 'application/json' &&
    text(e['actorid'], 1, 253) &&
    ACTOR_TYPES.has(e['actortype']) &&
    (e['scopetype'] === undefined || SCOPE_TYPE_SET.has(e['scopetype'])) &&
    optionalText(e['scopeid'], 1, 253) &&
    (version === undefined || (typeof version === 'number' && Number.isSafeInteger(version) && version >= 0)) &&
    optionalText(e['requestid'], 1, 128) &&
    optionalText(e['traceparent'], 0, 256) &&
    optionalText(e['tracestate'], 0, 512) &&
    // The schema wants the member, whatever its value (JSON has no undefined).
    e['data'] !== undefined &&
    typeof e['time'] === 'string' &&
    timeSchema.safeParse(e['time']).success
  );
}
