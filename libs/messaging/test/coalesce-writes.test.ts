import { type NatsConnection } from '@nats-io/nats-core';
import { Socket } from 'node:net';
import { coalesceWrites, connectNats, drainNats } from '../src';
import { requireEnv, uniquePrefix } from './fixtures/test-contracts';

/** The connection's socket writes that reach the kernel (one `_write` or one `_writev` each), counted from now on. */
function countWrites(nc: NatsConnection): { count: () => number } {
  const socket = (nc as unknown as { protocol: { transport: { socket: Socket } } }).protocol.transport.socket;
  expect(socket).toBeInstanceOf(Socket);
  let writes = 0;
  const raw = socket as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const one = raw._write.bind(socket);
  const many = raw._writev.bind(socket);
  raw._write = (...a) => {
    writes++;
    one(...a);
  };
  raw._writev = (...a) => {
    writes++;
    many(...a);
  };
  return { count: () => writes };
}

/** 20 requests, each sent from its own task (as the gateway's HTTP requests are) within one turn of the event loop. */
async function twentyRequests(nc: NatsConnection, subject: string): Promise<string[]> {
  const answers: Promise<string>[] = [];
  for (let i = 0; i < 20; i++) {
    answers.push(nc.request(subject, String(i), { timeout: 5_000 }).then((m) => m.string()));
    // Let nats.js's per-task flush run before the next request, as it does between two HTTP requests.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
  }
  return Promise.all(answers);
}

describe('coalesceWrites', () => {
  const url = requireEnv('NATS_URL');
  const subject = `${uniquePrefix()}.echo`;
  let server: NatsConnection;
  const clients: NatsConnection[] = [];

  beforeAll(async () => {
    server = await connectNats({ url, name: 'coalesce-echo' });
    server.subscribe(subject, { callback: (_err, msg) => msg.respond(`echo ${msg.string()}`) });
    await server.flush();
  });

  afterAll(async () => {
    for (const nc of [...clients, server]) await drainNats(nc);
  });

  const client = async (): Promise<NatsConnection> => {
    const nc = await connectNats({ url, name: 'coalesce-client' });
    clients.push(nc);
    await nc.flush();
    return nc;
  };

  it("sends the messages of one turn of the event loop in one write, in order, and answers stay each request's", async () => {
    const plain = await client();
    const plainWrites = countWrites(plain);
    const expected = Array.from({ length: 20 }, (_, i) => `echo ${i}`);
    expect(await twentyRequests(plain, subject)).toEqual(expected);
    // Without it: a write per request (the baseline this saves).
    expect(plainWrites.count()).toBeGreaterThanOrEqual(20);

    const coalesced = await client();
    expect(coalesceWrites(coalesced)).toBe(true);
    const coalescedWrites = countWrites(coalesced);
    expect(await twentyRequests(coalesced, subject)).toEqual(expected);
    expect(coalescedWrites.count()).toBe(1);
    // A later turn still goes out (uncorked in its check phase), and flush()'s PING/PONG too.
    expect(await coalesced.request(subject, 'later', { timeout: 5_000 }).then((m) => m.string())).toBe('echo later');
    await coalesced.flush();
    expect(coalescedWrites.count()).toBe(3);
  });

  it('is applied once per socket', async () => {
    const nc = await client();
    expect(coalesceWrites(nc)).toBe(true);
    expect(coalesceWrites(nc)).toBe(true);
    const writes = countWrites(nc);
    expect(await twentyRequests(nc, subject)).toHaveLength(20);
    expect(writes.count()).toBe(1);
  });
});
