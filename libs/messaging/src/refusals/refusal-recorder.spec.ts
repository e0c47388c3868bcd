import { DvError, type EventDefinition, RequestEvents } from '@dv/contracts';
import { type EventPublisher } from '../events/event-publisher';
import { RefusalRecorder } from './refusal-recorder';

/** A publisher that keeps what it is asked to publish (or fails), as far as the recorder uses one. */
function fakePublisher(fail = false): { publisher: EventPublisher; published: { type: string; data: unknown; meta: unknown }[] } {
  const published: { type: string; data: unknown; meta: unknown }[] = [];
  const publisher = {
    publish: (def: EventDefinition, data: unknown, meta: unknown) => {
      if (fail) return Promise.reject(new Error('no stream'));
      published.push({ type: def.type, data, meta });
      return Promise.resolve({ seq: published.length, duplicate: false });
    },
  } as unknown as EventPublisher;
  return { publisher, published };
}

const caller = { subjectId: 'dana@acme.example', subjectType: 'user' as const };
const refusal = { event: RequestEvents.refused, data: { operation: 'create', rpc: 'dv.x.create' }, subject: 'dv.x.create' };

describe('RefusalRecorder', () => {
  it('records a refusal with the caller as actor and the error the caller gets, then rethrows it as it was', async () => {
    const { publisher, published } = fakePublisher();
    const error = DvError.forbidden('not yours');
    await expect(
      new RefusalRecorder(publisher).guard(
        caller,
        'req-1',
        () => refusal,
        () => Promise.reject(error),
      ),
    ).rejects.toBe(error);
    expect(published).toEqual([
      {
        type: RequestEvents.refused.type,
        data: { operation: 'create', rpc: 'dv.x.create', code: 'FORBIDDEN', message: 'not yours' },
        meta: { actor: { id: 'dana@acme.example', type: 'user' }, subject: 'dv.x.create', requestId: 'req-1' },
      },
    ]);
  });

  it('records nothing for what is not a refusal: a fault of ours, an unauthenticated call, an untyped error, a success', async () => {
    const { publisher, published } = fakePublisher();
    const recorder = new RefusalRecorder(publisher);
    for (const error of [DvError.unavailable('down'), new DvError('INTERNAL', 'bug'), new DvError('UNAUTHENTICATED', 'who?'), new Error('plain')]) {
      await expect(
        recorder.guard(
          caller,
          'req-2',
          () => refusal,
          () => Promise.reject(error),
        ),
      ).rejects.toBe(error);
    }
    expect(
      await recorder.guard(
        caller,
        'req-3',
        () => refusal,
        () => Promise.resolve(42),
      ),
    ).toBe(42);
    expect(published).toEqual([]);
  });

  it('still gives the caller its error when the refusal cannot be published', async () => {
    const { publisher } = fakePublisher(true);
    const error = DvError.conflict('taken');
    await expect(
      new RefusalRecorder(publisher).guard(
        caller,
        undefined,
        () => refusal,
        () => Promise.reject(error),
      ),
    ).rejects.toBe(error);
  });
});
