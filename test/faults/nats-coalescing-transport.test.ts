import { type NatsConnection } from '@nats-io/nats-core';
import { type NatsConnectionImpl } from '@nats-io/nats-core/internal';
import { type RestartableNats, startRestartableNats } from '@dv/testing';
import { type Socket } from 'node:net';
import { connectNats, drainNats } from '@dv/messaging';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Counts the system-call writes of a connection's current socket (its write and writev paths), without changing them. */
function countWrites(nc: NatsConnection): { writes: number } {
  const transport = (nc as unknown as NatsConnectionImpl).protocol.transport as unknown as { socket: Socket };
  const socket = transport.socket as Socket & { _write: Socket['_write']; _writev?: Socket['_writev'] };
  const counter = { writes: 0 };
  const write = socket._write.bind(socket);
  socket._write = (chunk, encoding, callback) => {
    counter.writes++;
    write(chunk, encoding, callback);
  };
  const writev = socket._writev?.bind(socket);
  if (writev !== undefined) {
    socket._writev = (chunks, callback) => {
      counter.writes++;
      writev(chunks, callback);
    };
  }
  return counter;
}

/**
 * The gateway's NATS transport (connectNats with coalesceWrites): the requests written in one turn of
 * the event loop leave in one system call, in order, and answer as with the plain transport; after a
 * server restart the new connection coalesces too, and a drain sends what is pending.
 */
describe('the coalescing NATS transport (real nats-server)', () => {
  let nats: RestartableNats;
  let responder: NatsConnection;
  let nc: NatsConnection;
  const subject = `coalesce.${process.pid}.echo`;

  beforeAll(async () => {
    nats = await startRestartableNats({ open: 'the transport under test alone, against its own server; no platform subject is involved' });
    responder = await connectNats({ url: nats.url, name: 'coalesce-responder' });
    responder.subscribe(subject, {
      callback: (_error, msg) => {
        msg.respond(encoder.encode(`echo:${decoder.decode(msg.data)}`));
      },
    });
    await responder.flush();
    nc = await connectNats({ url: nats.url, name: 'coalesce-client', coalesceWrites: true });
  }, 60_000);

  afterAll(async () => {
    await drainNats(nc);
    await drainNats(responder);
    await nats.stop();
  });

  /** Requests made in separate callbacks of one turn (as a server's HTTP requests are), not in one synchronous loop. */
  function requestsInOneTurn(conn: NatsConnection, count: number, tag: string): Promise<string[]> {
    return Promise.all(
      Array.from(
        { length: count },
        (_, i) =>
          new Promise<string>((resolve, reject) =>
            setImmediate(() => conn.request(subject, encoder.encode(`${tag}${i}`), { timeout: 10_000 }).then((m) => resolve(decoder.decode(m.data)), reject)),
          ),
      ),
    );
  }

  it('sends 500 requests made in separate callbacks of one turn in a handful of writes, where the plain transport makes one each', async () => {
    const counter = countWrites(nc);
    expect(await requestsInOneTurn(nc, 500, '')).toEqual(Array.from({ length: 500 }, (_, i) => `echo:${i}`));
    expect(counter.writes).toBeGreaterThan(0);
    expect(counter.writes).toBeLessThan(10);

    const plain = await connectNats({ url: nats.url, name: 'coalesce-plain' });
    try {
      const plainCounter = countWrites(plain);
      expect(await requestsInOneTurn(plain, 500, 'p')).toEqual(Array.from({ length: 500 }, (_, i) => `echo:p${i}`));
      expect(plainCounter.writes).toBeGreaterThan(400);
    } finally {
      await drainNats(plain);
    }
  });

  it('answers a lone request without waiting for a timer', async () => {
    const started = process.hrtime.bigint();
    const answer = await nc.request(subject, encoder.encode('lone'), { timeout: 10_000 });
    expect(decoder.decode(answer.data)).toBe('echo:lone');
    // A round trip on loopback; a write held for a timer tick (1 ms or more) or for the next request would show.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
  });

  it('coalesces again on the connection made after the server restarts', async () => {
    await nats.restart({ downMs: 500 });
    await waitFor(async () => {
      await nc.request(subject, encoder.encode('back'), { timeout: 1_000 });
      return true;
    });
    const counter = countWrites(nc);
    expect(await requestsInOneTurn(nc, 200, 'r')).toEqual(Array.from({ length: 200 }, (_, i) => `echo:r${i}`));
    expect(counter.writes).toBeLessThan(10);
  }, 60_000);

  it('delivers publishes written just before a drain', async () => {
    const other = await connectNats({ url: nats.url, name: 'coalesce-drained', coalesceWrites: true });
    const got: string[] = [];
    const sink = `coalesce.${process.pid}.sink`;
    const sub = responder.subscribe(sink, {
      callback: (_error, msg) => {
        got.push(decoder.decode(msg.data));
      },
    });
    await responder.flush();
    for (let i = 0; i < 50; i++) other.publish(sink, encoder.encode(String(i)));
    await drainNats(other);
    await waitFor(async () => got.length === 50);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    sub.unsubscribe();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
