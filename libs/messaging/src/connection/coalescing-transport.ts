import { type ConnectionOptions, type NatsConnection } from '@nats-io/nats-core';
import { NatsConnectionImpl, setTransportFactory } from '@nats-io/nats-core/internal';
// The transport of @nats-io/transport-node, which its package index does not export (it has no `exports` map).
import { NodeTransport, nodeResolveHost } from '@nats-io/transport-node/lib/node_transport';

/** A connection's options, with ours: read by the transport of every (re)connection of that connection. */
export interface DvConnectionOptions extends ConnectionOptions {
  /** Writes of one turn of the event loop leave in one system call (see CoalescingNodeTransport). */
  dvCoalesceWrites?: boolean;
}

/**
 * nats.js writes each request to the socket on its own, from a microtask: a server that reads many
 * HTTP requests in one turn of the event loop then makes one write system call per request, and on
 * loopback that call also runs the receiving side of TCP. For a connection made with `dvCoalesceWrites`,
 * this transport corks the socket at the first write of a turn and uncorks it once the turn's I/O
 * callbacks have run (setImmediate): the turn's requests leave in one writev, in the order they were
 * written. A lone request waits for the rest of the current turn only, never for a timer. Without the
 * option it is nats.js's own transport, unchanged.
 */
export class CoalescingNodeTransport extends NodeTransport {
  private corked = false;

  override send(frame: Uint8Array): void {
    const socket = this.socket as NodeTransport['socket'] | undefined;
    if (!this.corked && socket !== undefined && !socket.destroyed && (this.options as DvConnectionOptions).dvCoalesceWrites === true) {
      this.corked = true;
      socket.cork();
      setImmediate(() => {
        this.corked = false;
        // This transport's socket: a reconnection makes a new transport, and end()/destroy() of this one uncork or drop it.
        if (!socket.destroyed) socket.uncork();
      });
    }
    super.send(frame);
  }
}

/**
 * `connect` of @nats-io/transport-node, with this transport. The library keeps one transport factory for
 * the process and every reconnection asks it for a new transport: each connection of ours sets it again,
 * and the transport reads the connection's own options, so a connection coalesces exactly when it was
 * made to (a plain `connect` elsewhere in the process sets nats.js's transport back, which only stops the
 * coalescing).
 */
export function connectWithTransport(options: DvConnectionOptions): Promise<NatsConnection> {
  setTransportFactory({ factory: () => new CoalescingNodeTransport(), dnsResolveFn: nodeResolveHost });
  return NatsConnectionImpl.connect(options);
}
