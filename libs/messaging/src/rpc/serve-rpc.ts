import { Logger } from '@nestjs/common';
import {
  DvError,
  HEADERS,
  type Identity,
  type ReplyEnvelope,
  type RpcDefinition,
  type RpcReplyInput,
  type RpcRequest,
  describeIssues,
  summarizeIssues,
} from '@dv/contracts';
import { headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Semaphore } from '../concurrency/semaphore';
import { toErrorBody } from '../errors/to-error-body';
import { extractTraceContext } from '../trace/trace-headers';
import { callerPrincipal } from './caller-principal';
import { parseIdentityHeader } from './parse-identity-header';
import { parseJsonBody } from './parse-json-body';
import { type PublicRpcCallContext, type RpcCallContext } from './rpc-context';

export type RpcHandlerFn<D extends RpcDefinition, C extends PublicRpcCallContext = RpcCallContext> = (
  request: RpcRequest<D>,
  ctx: C,
) => Promise<RpcReplyInput<D>>;

export interface ServeRpcOptions {
  /** Queue group: every replica of a service uses the same one, so each request goes to one replica. */
  queue: string;
  /** Requests handled at once by this replica; the rest wait in arrival order. */
  maxConcurrent?: number;
  /**
   * For an audited subject (`def.audit`): records a request refused before its handler ran (its body
   * malformed) whose caller is known, so the audit log holds it too. Awaited before the answer; it
   * should not throw (a failure to record is the recorder's to log).
   */
  recordRefusal?: (refusal: EarlyRefusal) => Promise<void>;
  /**
   * Why this subject is answered without a caller (a test's or benchmark's echo, say). Without it,
   * a request whose caller is missing or a group is UNAUTHENTICATED before the handler runs.
   */
  public?: string;
}

/** An RPC subscription that can tell when every request it took has been answered. */
export type RpcSubscription = Subscription & {
  /**
   * Resolves once no request this subscription took is still being handled (those waiting for a slot
   * included). After `drain()`, that is every request it will ever take: the graceful stop's wait.
   */
  idle(): Promise<void>;
};

/** A request to an audited subject refused by the transport, before its handler. */
export interface EarlyRefusal {
  readonly def: RpcDefinition;
  readonly identity: Identity;
  readonly requestId: string;
  readonly error: DvError;
}

/** A caller's request id goes into events and audit records as it is: printable ASCII, at most 128 characters. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

const tracer = trace.getTracer('@dv/messaging');
const encoder = new TextEncoder();

/**
 * Answers one RPC subject: validates the body and the identity header, resolves the caller
 * (callerPrincipal, unless the subject is public), runs the handler inside the caller's trace,
 * validates the reply, and answers `{ok, data}` or `{ok: false, error}`. Nothing a caller sends can
 * stop the subscription.
 */
export function serveRpc<D extends RpcDefinition>(nc: NatsConnection, def: D, handler: RpcHandlerFn<D>, options: ServeRpcOptions): RpcSubscription;
export function serveRpc<D extends RpcDefinition>(
  nc: NatsConnection,
  def: D,
  handler: RpcHandlerFn<D, PublicRpcCallContext>,
  options: ServeRpcOptions & { public: string },
): RpcSubscription;
export function serveRpc<D extends RpcDefinition>(
  nc: NatsConnection,
  def: D,
  handler: RpcHandlerFn<D> | RpcHandlerFn<D, PublicRpcCallContext>,
  options: ServeRpcOptions,
): RpcSubscription {
  const logger = new Logger(`Rpc ${def.subject}`);
  const slots = new Semaphore(options.maxConcurrent ?? 256);
  // Every reply carries the same header, naming this replica: built once (nothing else goes in reply
  // headers: the request id is the caller's own, and an error body repeats it).
  const replyHeaders = natsHeaders();
  replyHeaders.set(HEADERS.responder, `${options.queue}@${hostname()}:${process.pid}`);
  const subscription = nc.subscribe(def.subject, {
    queue: options.queue,
    callback: (err, msg) => {
      if (err) {
        logger.error(`subscription error: ${err.message}`);
        return;
      }
      // A handler typed for RpcCallContext is only given one with a principal: run() resolves it unless the subject is public (the overloads).
      const run = (): void =>
        void handleOne(def, handler as RpcHandlerFn<D, PublicRpcCallContext>, msg, logger, replyHeaders, options).finally(() => slots.release());
      if (slots.tryAcquire()) run();
      else void slots.acquire().then(run);
    },
  });
  // nats.js's drain ends once the callback has seen every message; the handlers it started run on.
  return Object.assign(subscription, { idle: async () => void (await slots.idle()) });
}

async function handleOne<D extends RpcDefinition>(
  def: D,
  handler: RpcHandlerFn<D, PublicRpcCallContext>,
  msg: Msg,
  logger: Logger,
  replyHeaders: MsgHdrs,
  options: ServeRpcOptions,
): Promise<void> {
  const given = msg.headers?.has(HEADERS.requestId) ? msg.headers.get(HEADERS.requestId) : undefined;
  // A malformed request id is refused (below) under an id of our own: it could not go into an event.
  const requestId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
  const parent = extractTraceContext(msg.headers);
  await tracer.startActiveSpan(
    `${def.subject} process`,
    { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': def.subject, 'dv.request_id': requestId } },
    parent,
    async (span) => {
      let reply: ReplyEnvelope<unknown>;
      try {
        const data = await run(def, handler, msg, { requestId, malformedRequestId: given !== undefined && given !== requestId }, options);
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

async function run<D extends RpcDefinition>(
  def: D,
  handler: RpcHandlerFn<D, PublicRpcCallContext>,
  msg: Msg,
  { requestId, malformedRequestId }: { requestId: string; malformedRequestId: boolean },
  { recordRefusal, public: publicReason }: ServeRpcOptions,
): Promise<unknown> {
  // The identity first: a refusal of the body can then name its caller.
  const identity = parseIdentityHeader(msg.headers);
  let request: RpcRequest<D>;
  try {
    if (malformedRequestId)
      throw DvError.validation(`header ${HEADERS.requestId} must be 1 to 128 printable ASCII characters (refused as request ${requestId})`, { requestId });
    const body = parseJsonBody(msg.data);
    const parsed = def.request.safeParse(body);
    if (!parsed.success) {
      throw DvError.validation(`invalid ${def.subject} request: ${summarizeIssues(parsed.error)}`, { issues: describeIssues(parsed.error) });
    }
    request = parsed.data as RpcRequest<D>;
  } catch (error) {
    if (def.audit && identity && recordRefusal && error instanceof DvError) await recordRefusal({ def, identity, requestId, error });
    throw error;
  }
  // The caller after the body, as before this rule moved here: a malformed request is VALIDATION_FAILED whoever sends it.
  const principal = publicReason !== undefined && identity === undefined ? undefined : callerPrincipal(identity);
  const result = await handler(request, { subject: def.subject, requestId, principal, headers: msg.headers });
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
