import { DvError, type Revision, STREAMS } from '@dv/contracts';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { type AppliedRevision, type RevisionTracker } from './revision-tracker';

type Stream = keyof AppliedRevision;

const STREAM_NAMES: Readonly<Record<Stream, string>> = { events: STREAMS.domain.name, platform: STREAMS.platform.name };

/**
 * The streams' current last sequences, as a revision. A replica that waits until it has applied
 * its streams' heads answers a read with every write acknowledged before the read began: what a
 * read without `atLeast` needs to see the caller's own writes (made on any replica, by any service)
 * at the cost of one JetStream API round trip. Needs `$JS.API.STREAM.INFO.<stream>`, which an
 * ordered follower's permissions include.
 */
export class StreamHeads {
  private manager: Promise<JetStreamManager> | undefined;

  constructor(private readonly nc: NatsConnection) {}

  async revision(streams: readonly Stream[]): Promise<Revision> {
    // checkAPI false: no account-info request first (one round trip, one permission fewer).
    this.manager ??= jetstreamManager(this.nc, { checkAPI: false });
    const jsm = await this.manager;
    const heads = await Promise.all(
      streams.map(async (stream) => {
        try {
          return [stream, (await jsm.streams.info(STREAM_NAMES[stream])).state.last_seq] as const;
        } catch (error) {
          throw DvError.unavailable(`could not read the head of stream ${STREAM_NAMES[stream]}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    return Object.fromEntries(heads) as Revision;
  }

  /** Waits (bounded: UNAVAILABLE after `timeoutMs`) until the tracker has applied the streams' current heads. */
  async reach(tracker: RevisionTracker, streams: readonly Stream[], timeoutMs: number): Promise<void> {
    await tracker.waitFor(await this.revision(streams), timeoutMs);
  }
}
