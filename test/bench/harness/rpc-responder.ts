// Child process of rpc-vs-raw.bench.ts: the responder side, alone in its process so that it does not
// share an event loop with the client. `ours`: a Nest microservice on NatsTransportStrategy with an
// @RpcHandler echo; `raw`: a nats.js queue subscription that answers with the request's bytes;
// `envelope`: the same, wrapped in our reply envelope `{"ok":true,"data":…}` by byte concatenation
// (lets RpcClient talk to a responder without our layer, to tell client costs from responder costs);
// `serve-rpc`: serveRpc of @dv/messaging called directly (our responder without Nest).
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { type RpcRequest } from '@dv/contracts';
import { RpcHandler, createNatsMicroservice, drainNats, serveRpc } from '@dv/messaging';
import { z } from 'zod';
import { childMain } from './child';
import { benchConnect } from './connection';
import { echoRpc, envelopeEchoSubject, rawEchoSubject, serveRpcEchoRpc } from './payload';

const configSchema = z.object({ impl: z.enum(['raw', 'ours', 'envelope', 'serve-rpc']), natsUrl: z.string(), prefix: z.string() });

/** The benchmark measures the transport itself: its clients send no identity. */
const BENCH_ECHO = 'benchmark echo: round trips without a caller';

function echoModule(prefix: string) {
  const echo = echoRpc(prefix);
  @Controller()
  class EchoController {
    @RpcHandler(echo, { public: BENCH_ECHO })
    async echo(request: RpcRequest<typeof echo>) {
      return request;
    }
  }
  @Module({ controllers: [EchoController] })
  class EchoModule {}
  return EchoModule;
}

const encoder = new TextEncoder();
const OPEN = encoder.encode('{"ok":true,"data":');
const CLOSE = encoder.encode('}');

function wrap(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(OPEN.length + data.length + CLOSE.length);
  out.set(OPEN, 0);
  out.set(data, OPEN.length);
  out.set(CLOSE, OPEN.length + data.length);
  return out;
}

childMain(configSchema, async (config) => {
  const nc = await benchConnect(config.natsUrl, `bench-responder-${config.impl}`, config.impl === 'raw' ? 'raw' : 'ours');
  if (config.impl === 'raw' || config.impl === 'envelope') {
    const sub =
      config.impl === 'raw'
        ? nc.subscribe(rawEchoSubject(config.prefix), { queue: 'bench-echo', callback: (_err, m) => void m.respond(m.data) })
        : nc.subscribe(envelopeEchoSubject(config.prefix), { queue: 'bench-echo', callback: (_err, m) => void m.respond(wrap(m.data)) });
    await nc.flush();
    return async () => {
      await sub.drain();
      await drainNats(nc);
    };
  }
  if (config.impl === 'serve-rpc') {
    const sub = serveRpc(nc, serveRpcEchoRpc(config.prefix), async (request) => request, { queue: 'bench-echo', public: BENCH_ECHO });
    await nc.flush();
    return async () => {
      await sub.drain();
      await drainNats(nc);
    };
  }
  const app = await createNatsMicroservice(echoModule(config.prefix), { nc, service: 'bench-echo' });
  await app.listen();
  return async () => {
    await app.close();
    await drainNats(nc);
  };
});
