import { type NatsConnection } from '@nats-io/nats-core';
import { type FollowStreamOptions, type StreamFollower, followStream } from './follow-stream';

/**
 * Starts one ordered follower per stream and resolves once each has applied what its stream held at
 * start: how a replica rebuilds its memory before it says it is ready. Rejects (and stops them)
 * when that takes longer than `catchUpMs`.
 */
export async function followStreamsUntilCaughtUp(nc: NatsConnection, streams: readonly FollowStreamOptions[], catchUpMs: number): Promise<StreamFollower[]> {
  const followers: StreamFollower[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    for (const options of streams) followers.push(await followStream(nc, options));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`replay not done within ${catchUpMs} ms`)), catchUpMs);
    });
    await Promise.race([Promise.all(followers.map((f) => f.caughtUp)), timeout]);
    return followers;
  } catch (error) {
    for (const f of followers) await f.stop().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
