import { STREAMS } from '@dv/contracts';
import { jetstream } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { EventPublisher, RevisionTracker, StreamHeads, connectNats, drainNats, ensureStreams, followStream } from '../src';
import { requireEnv, testContracts, uniquePrefix } from './fixtures/test-contracts';

const actor = { id: 'tester', type: 'user' } as const;

describe('StreamHeads (real nats-server)', () => {
  let nc: NatsConnection;
  let publisher: EventPublisher;

  beforeAll(async () => {
    // The bed's open nats-server (jest global setup says why): the transport's own tests publish event types no platform client has.
    nc = await connectNats({ url: requireEnv('NATS_URL'), name: 'stream-heads-test' });
    await ensureStreams(nc);
    publisher = new EventPublisher(nc, 'dv/test');
  });

  afterAll(async () => {
    await drainNats(nc);
  });

  it("reads each stream's last sequence, and a follower that reaches it has applied every event published before", async () => {
    const { happened } = testContracts(uniquePrefix());
    const heads = new StreamHeads(nc);
    const before = await heads.revision(['events', 'platform']);
    const published = await publisher.publish(happened, { n: 1 }, { actor });
    const after = await heads.revision(['events']);
    expect(after.events).toBeGreaterThanOrEqual(published.seq);
    expect(after.events).toBeGreaterThan(before.events ?? 0);
    expect(before.platform).toEqual(expect.any(Number));

    const tracker = new RevisionTracker('test');
    const seen: number[] = [];
    const follower = await followStream(nc, {
      stream: STREAMS.domain.name,
      subject: 'dv.evt.>',
      startSeq: published.seq,
      apply: (envelope) => {
        if (envelope.type === happened.type) seen.push((envelope.data as { n: number }).n);
      },
      applied: (seq) => tracker.markApplied('events', seq),
    });
    try {
      await heads.reach(tracker, ['events'], 10_000);
      expect(seen).toContain(1);
      expect(tracker.current().events).toBeGreaterThanOrEqual(published.seq);
    } finally {
      await follower.stop();
    }
  });

  it("refuses at once a wait for a revision beyond the streams' heads, and still waits for one within them", async () => {
    const { happened } = testContracts(uniquePrefix());
    const heads = new StreamHeads(nc);
    const tracker = new RevisionTracker('bounded').boundBy(heads);
    const head = (await heads.revision(['events'])).events ?? 0;
    const started = Date.now();
    await expect(tracker.waitFor({ events: head + 1_000_000 }, 5000)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'atLeast' } });
    expect(Date.now() - started).toBeLessThan(2000);
    // Within the heads (not applied here yet): the bounded wait, then UNAVAILABLE, as before.
    const published = await publisher.publish(happened, { n: 1 }, { actor });
    await expect(tracker.waitFor({ events: published.seq }, 300)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const waiting = tracker.waitFor({ events: published.seq }, 5000);
    tracker.markApplied('events', published.seq);
    await expect(waiting).resolves.toBeUndefined();
  });

  it('a follower with types applies only those, and counts every other event as applied without reading it', async () => {
    const { happened } = testContracts(uniquePrefix());
    const other = testContracts(uniquePrefix()).happened;
    const first = await publisher.publish(happened, { n: 1 }, { actor });
    await publisher.publish(other, { n: 2 }, { actor });
    // Not even JSON: a follower that read it would log and skip it; one that does not read it never sees it.
    const junk = await jetstream(nc).publish(other.type, new TextEncoder().encode('not json'));
    const last = await publisher.publish(happened, { n: 3 }, { actor });
    const tracker = new RevisionTracker('typed');
    const applied: { type: string; seq: number }[] = [];
    const counted: number[] = [];
    const follower = await followStream(nc, {
      stream: STREAMS.domain.name,
      subject: 'dv.evt.>',
      types: new Set([happened.type]),
      startSeq: first.seq,
      apply: (envelope, seq) => void applied.push({ type: envelope.type, seq }),
      applied: (seq) => {
        counted.push(seq);
        tracker.markApplied('events', seq);
      },
    });
    try {
      await tracker.waitFor({ events: last.seq }, 10_000);
      expect(applied.filter((a) => a.seq <= last.seq)).toEqual([
        { type: happened.type, seq: first.seq },
        { type: happened.type, seq: last.seq },
      ]);
      expect(counted).toEqual(expect.arrayContaining([first.seq, junk.seq, last.seq]));
      expect(tracker.current().events).toBeGreaterThanOrEqual(last.seq);
    } finally {
      await follower.stop();
    }
  });

  it('answers UNAVAILABLE when the tracker cannot reach the head in time', async () => {
    const { happened } = testContracts(uniquePrefix());
    await publisher.publish(happened, { n: 2 }, { actor });
    const idle = new RevisionTracker('idle');
    await expect(new StreamHeads(nc).reach(idle, ['events'], 50)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
