// In-process costs of the steps our messaging layer adds to one RPC round trip and one event, measured
// one at a time in a loop (no network): to read next to the CPU profiles of the benchmarks.
// Run: node -r ./scripts/ts-register.js test/bench/harness/layer-costs.ts
import { HEADERS, eventEnvelopeSchema, replyEnvelopeSchema } from '@dv/contracts';
import { extractTraceContext, injectTraceContext } from '@dv/messaging';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { BENCH_PAYLOAD, benchPayloadSchema, echoRpc } from './payload';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const tracer = trace.getTracer('@dv/messaging');
const echo = echoRpc('costs');

/** Microseconds per call of fn, best of 5 runs of n calls (after a warm-up run). */
function cost(n: number, fn: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 6; run++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    const us = Number(process.hrtime.bigint() - started) / 1000 / n;
    if (run > 0) best = Math.min(best, us);
  }
  return Math.round(best * 100) / 100;
}

async function asyncCost(n: number, fn: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 6; run++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    const us = Number(process.hrtime.bigint() - started) / 1000 / n;
    if (run > 0) best = Math.min(best, us);
  }
  return Math.round(best * 100) / 100;
}

async function main(): Promise<void> {
  const n = 20_000;
  const replyBytes = encoder.encode(JSON.stringify({ ok: true, data: BENCH_PAYLOAD }));
  const requestHeaders = natsHeaders();
  requestHeaders.set(HEADERS.requestId, randomUUID());
  const envelope = {
    specversion: '1.0',
    id: randomUUID(),
    source: 'dv/bench',
    type: 'dv.evt.bench.ours.v1',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    actorid: 'bench',
    actortype: 'system',
    data: BENCH_PAYLOAD,
  };
  const envelopeBytes = encoder.encode(JSON.stringify(envelope));
  const rows: Record<string, number> = {
    'both: JSON.stringify + encode of the payload': cost(n, () => encoder.encode(JSON.stringify(BENCH_PAYLOAD))),
    'both: decode + JSON.parse of a reply': cost(n, () => JSON.parse(decoder.decode(replyBytes))),
    'ours: zod check of the payload (request or reply schema, once)': cost(n, () => benchPayloadSchema.safeParse(BENCH_PAYLOAD)),
    'ours client: replyEnvelopeSchema.safeParse': cost(n, () => replyEnvelopeSchema.safeParse({ ok: true, data: BENCH_PAYLOAD })),
    'ours client: headers() + dv-request-id (randomUUID) + injectTraceContext': cost(n, () => {
      const h = natsHeaders();
      h.set(HEADERS.requestId, randomUUID());
      injectTraceContext(h);
      return h;
    }),
    'ours responder: extractTraceContext': cost(n, () => extractTraceContext(requestHeaders)),
    'ours: tracer.startActiveSpan (no SDK) around an async callback': await asyncCost(n, () => tracer.startActiveSpan('x', async (span) => span.end())),
    'ours consumer: eventEnvelopeSchema.safeParse': cost(n, () => eventEnvelopeSchema.safeParse(JSON.parse(decoder.decode(envelopeBytes)))),
    'both: new Error() (nats.js makes 2-3 per request)': cost(n, () => new Error('x')),
    'ours: defineRpc subject lookup (reference)': cost(n, () => echo.subject.length),
  };
  const width = Math.max(...Object.keys(rows).map((k) => k.length));
  for (const [what, us] of Object.entries(rows)) process.stdout.write(`${what.padEnd(width)}  ${us.toFixed(2).padStart(6)} us\n`);
}

void main();
