import { defineEvent, defineRpc, idSchema, scopeRefSchema } from '@dv/contracts';
import { z } from 'zod';

/** A volume summary: the kind of small JSON body the platform's RPCs and events carry. */
export const benchPayloadSchema = z.object({
  volumeId: idSchema,
  name: z.string().min(1).max(253),
  owner: idSchema,
  scope: scopeRefSchema,
  sizeBytes: z.number().int().nonnegative(),
  readOnly: z.boolean(),
  tags: z.array(z.string().max(64)).max(32),
  createdAt: z.iso.datetime({ offset: true }),
});
export type BenchPayload = z.output<typeof benchPayloadSchema>;

/** The same payload for every implementation and every request (about 200 bytes of JSON). */
export const BENCH_PAYLOAD: BenchPayload = {
  volumeId: 'vol-7f3c2a91',
  name: 'imagenet-train',
  owner: 'team-vision',
  scope: { scopeType: 'project', scopeId: 'proj-cv' },
  sizeBytes: 147_897_477_120,
  readOnly: true,
  tags: ['images', 'public'],
  createdAt: '2025-05-01T12:00:00.000Z',
};

export const BENCH_PAYLOAD_BYTES = new TextEncoder().encode(JSON.stringify(BENCH_PAYLOAD)).length;

/** A run's own subjects, so runs on a shared server never meet: `bench<prefix>`. */
export function runPrefix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** The echo RPC of a run: the handler returns its (validated) request. */
export function echoRpc(prefix: string) {
  return defineRpc({
    subject: `dv.bench${prefix}.echo`,
    request: benchPayloadSchema,
    reply: benchPayloadSchema,
    description: 'benchmark echo: replies with the request',
  });
}

/** The echo RPC of a run served by a raw nats.js responder that wraps the request in our reply envelope. */
export function envelopeEchoRpc(prefix: string) {
  return { ...echoRpc(prefix), subject: envelopeEchoSubject(prefix) };
}

export function envelopeEchoSubject(prefix: string): string {
  return `dv.bench${prefix}.envelope-echo`;
}

/** The echo RPC of a run served by serveRpc directly (our responder without Nest). */
export function serveRpcEchoRpc(prefix: string) {
  return { ...echoRpc(prefix), subject: `dv.bench${prefix}.serve-rpc-echo` };
}

/** The subject of the raw nats.js echo of a run. */
export function rawEchoSubject(prefix: string): string {
  return `dv.bench${prefix}.raw-echo`;
}

/** The event of a run for one implementation; both land in the DV_EVENTS stream (`dv.evt.>`). */
export function benchEvent(prefix: string, impl: 'raw' | 'ours') {
  return defineEvent({
    type: `dv.evt.bench${prefix}.${impl}.v1`,
    data: benchPayloadSchema,
    description: 'benchmark event',
  });
}
