import { connectNats } from '@dv/messaging';
import { type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';

export type Side = 'raw' | 'ours';

/** How the benchmark's connections are made, for the report. */
export function connectionSetup(): string {
  return 'raw: nats.js connect() with its defaults; ours: connectNats from @dv/messaging (reconnect forever, noAsyncTraces)';
}

/** A connection as each side makes it: raw nats.js with its defaults, ours through connectNats. */
export async function benchConnect(url: string, name: string, side: Side): Promise<NatsConnection> {
  if (side === 'ours') return connectNats({ url, name });
  return connect({ servers: url.split(',').map((s) => s.trim()), name });
}
