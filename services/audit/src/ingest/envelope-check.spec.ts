import { eventEnvelopeSchema } from '@dv/contracts';
import { SAMPLE_ENVELOPE } from '../../test/fixtures/contract-events';
import { isEventEnvelope } from './envelope-check';

const valid: Record<string, unknown> = { ...SAMPLE_ENVELOPE, aggregateversion: 3, tracestate: 'a=b', data: { any: ['thing'] } };

/** Values a field may be given, good and bad, for every field of the envelope. */
const CANDIDATES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  '1.0',
  'application/json',
  'user',
  'system',
  'group',
  'project',
  'galaxy',
  'x'.repeat(128),
  'x'.repeat(129),
  'x'.repeat(253),
  'x'.repeat(254),
  'x'.repeat(256),
  'x'.repeat(257),
  'x'.repeat(512),
  'x'.repeat(513),
  '2025-01-02T03:04:05Z',
  '2025-01-02T03:04:05.678+01:00',
  '2025-01-02 03:04:05',
  '2025-13-02T03:04:05Z',
  0,
  -1,
  1.5,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  true,
  {},
  [],
  ['1.0'],
];

describe('isEventEnvelope', () => {
  it('accepts the envelopes the contract accepts, with or without the optional members', () => {
    expect(isEventEnvelope(valid)).toBe(true);
    const minimal = Object.fromEntries(
      Object.entries(valid).filter(([k]) => ['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'actorid', 'actortype', 'data'].includes(k)),
    );
    expect(isEventEnvelope(minimal)).toBe(true);
    expect(eventEnvelopeSchema.safeParse(minimal).success).toBe(true);
  });

  it('accepts nothing the contract refuses: every field given every candidate value', () => {
    let accepted = 0;
    for (const field of Object.keys(valid)) {
      for (const candidate of CANDIDATES) {
        const envelope = { ...valid, [field]: candidate };
        if (candidate === undefined) delete envelope[field];
        const fast = isEventEnvelope(envelope);
        if (fast) accepted++;
        // Soundness: what the fast check accepts, the schema accepts.
        if (fast) expect([field, candidate, eventEnvelopeSchema.safeParse(envelope).success]).toEqual([field, candidate, true]);
      }
    }
    expect(accepted).toBeGreaterThan(20);
    for (const notAnObject of [null, [], 'envelope', 42, [valid]]) expect(isEventEnvelope(notAnObject)).toBe(false);
  });

  it('agrees with the contract on the valid candidates of each field (so the fast path is the usual one)', () => {
    for (const field of Object.keys(valid)) {
      for (const candidate of CANDIDATES) {
        const envelope = { ...valid, [field]: candidate };
        if (candidate === undefined) delete envelope[field];
        expect([field, candidate, isEventEnvelope(envelope)]).toEqual([field, candidate, eventEnvelopeSchema.safeParse(envelope).success]);
      }
    }
  });
});
