import { type NatsConnection } from '@nats-io/nats-core';
import { Socket } from 'node:net';

/** Where nats.js 3.x (`@nats-io/transport-node`) keeps the connection's socket: not public API, hence looked up defensively. */
interface WithSocket {
  protocol?: { transport?: { socket?: unknown } };
}

type Write = (...args: unknown[]) => boolean;
const COALESCING = Symbol('dv.coalescing');

/**
 * One socket write per turn of the event loop instead of one per message. nats.js flushes its buffer
 * after each task (a microtask queued by the first message); a server answering many connections at
 * once (the gateway) sends each request in its own task, so each costs a system call, about a fifth of
 * the gateway's CPU under load (test/bench/gateway.bench.ts, profiled). Here the socket is corked at the
 * first write of a turn and uncorked in that turn's check phase (setImmediate): the messages of all the
 * tasks run in between leave in one write, in order. Applied again after every reconnect (a new socket).
 * False when the socket cannot be found (another nats.js layout): nothing changes then.
 */
export function coalesceWrites(nc: NatsConnection): boolean {
  const applied = corkPerTurn(nc);
  void (async () => {
    for await (const status of nc.status()) if (status.type === 'reconnect') corkPerTurn(nc);
  })();
  return applied;
}

function corkPerTurn(nc: NatsConnection): boolean {
  const socket = (nc as unknown as WithSocket).protocol?.transport?.socket;
  if (!(socket instanceof Socket)) return false;
  const marked = socket as Socket & { [COALESCING]?: true };
  if (marked[COALESCING]) return true;
  marked[COALESCING] = true;
  const write = socket.write.bind(socket) as Write;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  const coalesced: Write = (...args) => {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  };
  socket.write = coalesced as typeof socket.write;
  return true;
}
