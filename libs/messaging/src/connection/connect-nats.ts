import { natsInboxPrefix } from '@dv/contracts';
import { Logger } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { connectWithTransport } from './coalescing-transport';

export interface NatsConnectOptions {
  /** One or more server URLs, comma-separated (`nats://127.0.0.1:4222`). */
  url: string;
  /** Connection name, shown in the server's monitoring: the service name. */
  name: string;
  /** Credentials for production deployments: a user/password or a token. */
  user?: string;
  pass?: string;
  token?: string;
  /**
   * Where replies to this client's requests arrive: `_INBOX_<user>` by default when a user is given
   * (the generated nats-server permissions let only that user subscribe there), `_INBOX` otherwise.
   */
  inboxPrefix?: string;
  /**
   * Writes of one turn of the event loop leave in one system call (CoalescingNodeTransport): for a
   * client that sends many requests at once, such as the gateway under HTTP load.
   */
  coalesceWrites?: boolean;
}

/**
 * Connects with reconnection forever (a service must survive a NATS restart) and logs every
 * status change. Close with `drainNats` so in-flight requests and acks complete.
 */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const logger = new Logger('Nats');
  const inboxPrefix = options.inboxPrefix ?? (options.user !== undefined ? natsInboxPrefix(options.user) : undefined);
  const nc = await connectWithTransport({
    servers: options.url.split(',').map((s) => s.trim()),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: false,
    // nats.js records a stack trace per request for error reports by default; that costs ~30 µs a
    // request (docs/benchmarks.md). Errors still carry their class and cause.
    noAsyncTraces: true,
    ...(options.user !== undefined ? { user: options.user, pass: options.pass ?? '' } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(inboxPrefix !== undefined ? { inboxPrefix } : {}),
    ...(options.coalesceWrites === true ? { dvCoalesceWrites: true } : {}),
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'error') logger.warn(`nats ${status.type}: ${JSON.stringify(status)}`);
      else if (status.type === 'reconnect') logger.log(`nats reconnected: ${JSON.stringify(status)}`);
    }
  })();
  return nc;
}

/** Drains subscriptions and pending publishes, then closes. Safe to call twice. */
export async function drainNats(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) return;
  if (!nc.isDraining()) {
    try {
      await nc.drain();
      return;
    } catch {
      // Draining fails on a connection that lost its server; closing is all that is left.
    }
  }
  await nc.close();
}
