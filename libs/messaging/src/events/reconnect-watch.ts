import { type NatsConnection } from '@nats-io/nats-core';

export interface ReconnectWatch {
  stop(): void;
}

export interface ReconnectHandlers {
  /** The connection lost its server; what is published now is dropped by nats.js. */
  onDisconnect?: () => void;
  /** The connection is back (a NATS restart, a network cut). */
  onReconnect: () => void;
}

/**
 * Calls the handlers as the connection loses its server and gets it back. A consumer's pull requests
 * and an ordered consumer die with the server; nats.js recovers them itself but can stall for 30 s
 * or more doing so, so followers and consumers check their progress after a reconnect.
 */
export function watchReconnects(nc: NatsConnection, handlers: ReconnectHandlers): ReconnectWatch {
  const statuses = nc.status();
  let stopped = false;
  void (async () => {
    for await (const status of statuses) {
      if (stopped) break;
      if (status.type === 'disconnect') handlers.onDisconnect?.();
      else if (status.type === 'reconnect') handlers.onReconnect();
    }
  })().catch(() => undefined);
  return {
    stop: () => {
      stopped = true;
      // nats.js hands out a QueuedIterator; stopping it ends the loop above.
      (statuses as Partial<{ stop: () => void }>).stop?.();
    },
  };
}
