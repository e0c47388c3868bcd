import { Logger } from '@nestjs/common';
import { DvError, HEADERS, type ReplyEnvelope, type RpcDefinition, type RpcReplyInput, type RpcRequest, describeIssues, summarizeIssues } from '@dv/contracts';
import { headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Semaphore } from '../concurrency/semaphore';
import { toErrorBody } from '../errors/to-error-body';
import { extractTraceContext } from '../trace/trace-headers';
import { parseIdentityHeader } from './parse-identity-header';
import { parseJsonBody } from './parse-json-body';
import { type RpcCallContext } from './rpc-context';

export type RpcHandlerFn<D extends RpcDefinition> = (request: RpcRequest<D>, ctx: RpcCallContext) => Promise<RpcReplyInput<D>>;

export interface ServeRpcOptions {
  /** Queue group: every replica of a service uses the same one, so each request goes to one replica. */
  queue: string;
  /** Requests handled at once by this replica; the rest wait in arrival order. */
  maxConcurrent?: number;
}

const tracer = trace.getTracer('@dv/messaging');
const encoder = new TextEncoder();

/**
 * Answers one RPC subject: validates the body and the identity header, runs the handler inside the
 * caller's trace, validates the reply, and answers `{ok, data}` or `{ok: false, error}`. Nothing a
 * caller sends can stop the subscription.
 */
export function serveRpc<D extends RpcDefinition>(nc: NatsConnection, def: D, handler: RpcHandlerFn<D>, options: ServeRpcOptions): Subscription {
  const logger = new Logger(`Rpc ${def.subject}`);
  const slots = new Semaphore(options.maxConcurrent ?? 256);
  // Every reply carries the same header, naming this replica: built once (nothing else goes in reply
  // headers: the request id is the caller's own, and an error body repeats it).
  const replyHeaders = natsHeaders();
  replyHeaders.set(HEADERS.responder, `${options.queue}@${hostname()}:${process.pid}`);
  return nc.subscribe(def.subject, {
    queue: options.queue,
    callback: (err, msg) => {
      if (err) {
        logger.error(`subscription error: ${err.message}`);
        return;
      }
      const run = (): void => void handleOne(def, handler, msg, logger, replyHeaders).finally(() => slots.release());
      if (slots.tryAcquire()) run();
      else void slots.acquire().then(run);
    },
  });
}

async function handleOne<D extends RpcDefinition>(def: D, handler: RpcHandlerFn<D>, msg: Msg, logger: Logger, replyHeaders: MsgHdrs): Promise<void> {
  const requestId = msg.headers?.has(HEADERS.requestId) ? msg.headers.get(HEADERS.requestId) : randomUUID();
  const parent = extractTraceContext(msg.headers);
  await tracer.startActiveSpan(
    `${def.subject} process`,
    { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': def.subject, 'dv.request_id': requestId } },
    parent,
    async (span) => {
      let reply: ReplyEnvelope<unknown>;
      try {
        const data = await run(def, handler, msg, requestId);
        reply = { ok: true, data };
      } catch (error) {
        const body = toErrorBody(error, requestId);
        if (body.code === 'INTERNAL') logger.error(`request ${requestId} failed`, error instanceof Error ? error.stack : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: body.code });
        span.setAttribute('dv.error_code', body.code);
        reply = { ok: false, error: body };
      } finally {
        span.end();
      }
      respond(msg, reply, requestId, replyHeaders, logger);
    },
  );
}

async function run<D extends RpcDefinition>(def: D, handler: RpcHandlerFn<D>, msg: Msg, requestId: string): Promise<unknown> {
  const body = parseJsonBody(msg.data);
  const identity = parseIdentityHeader(msg.headers);
  const parsed = def.request.safeParse(body);
  if (!parsed.success) {
    throw DvError.validation(`invalid ${def.subject} request: ${summarizeIssues(parsed.error)}`, { issues: describeIssues(parsed.error) });
  }
  const result = await handler(parsed.data as RpcRequest<D>, { subject: def.subject, requestId, identity, headers: msg.headers });
  const checked = def.reply.safeParse(result);
  if (!checked.success) {
    // Our own bug: say nothing of it to the caller but that it is internal.
    throw new Error(`reply of ${def.subject} failed its schema: ${summarizeIssues(checked.error)}`);
  }
  return checked.data;
}

function respond(msg: Msg, reply: ReplyEnvelope<unknown>, requestId: string, replyHeaders: MsgHdrs, logger: Logger): void {
  if (!msg.reply) return;
  try {
    msg.respond(encoder.encode(JSON.stringify(reply)), { headers: replyHeaders });
  } catch (error) {
    logger.error(`could not answer request ${requestId}: ${error instanceof Error ? error.message : String(error)}`);
    // A reply that cannot be serialized is our bug: the caller hears INTERNAL rather than nothing until its timeout.
    try {
      msg.respond(encoder.encode(JSON.stringify({ ok: false, error: toErrorBody(error, requestId) })), { headers: replyHeaders });
    } catch {
      // The connection is gone: nothing more to do.
    }
  }
}
