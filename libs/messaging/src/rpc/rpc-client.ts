import {
  DvError,
  HEADERS,
  type IdentityInput,
  type ReplyEnvelope,
  type RpcDefinition,
  type RpcReply,
  type RpcRequestInput,
  describeIssues,
  replyEnvelopeSchema,
  summarizeIssues,
} from '@dv/contracts';
import { type Msg, RequestError, TimeoutError, headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { type Context, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { injectTraceContext } from '../trace/trace-headers';
import { identityHeader } from './identity-header';
import { replyDataBytes } from './reply-data-bytes';

export interface RpcCallOptions {
  /** The caller on whose behalf the request is made. */
  identity?: IdentityInput;
  /** Passed along from the incoming request, or generated. */
  requestId?: string;
  timeoutMs?: number;
  /** The trace this call belongs to (its span's parent); the active context by default. */
  traceContext?: Context;
}

const tracer = trace.getTracer('@dv/messaging');
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Sends requests with a typed body and gets typed replies. The request is validated before it
 * leaves (a bad body never reaches the wire) and the reply is validated when it arrives.
 * No responder or no answer in time is UNAVAILABLE.
 */
export class RpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly defaults: { timeoutMs: number } = { timeoutMs: 5000 },
  ) {}

  /** The reply envelope as it came: `{ok: true, data}` or `{ok: false, error}`. */
  async request<D extends RpcDefinition>(def: D, body: RpcRequestInput<D>, options: RpcCallOptions = {}): Promise<ReplyEnvelope<RpcReply<D>>> {
    try {
      return { ok: true, data: await this.call(def, body, options) };
    } catch (error) {
      if (error instanceof DvError) return { ok: false, error: error.toBody() };
      throw error;
    }
  }

  /** The reply's data, or a DvError carrying the error reply's code. */
  async call<D extends RpcDefinition>(def: D, body: RpcRequestInput<D>, options: RpcCallOptions = {}): Promise<RpcReply<D>> {
    this.checkRequest(def, body);
    const raw = await this.send(def.subject, encoder.encode(JSON.stringify(body)), options);
    return this.replyData(def, raw);
  }

  private checkRequest<D extends RpcDefinition>(def: D, body: RpcRequestInput<D>): void {
    const checked = def.request.safeParse(body);
    if (!checked.success) {
      throw DvError.validation(`invalid ${def.subject} request: ${summarizeIssues(checked.error)}`, { issues: describeIssues(checked.error) });
    }
  }

  private replyData<D extends RpcDefinition>(def: D, raw: unknown): RpcReply<D> {
    const envelope = replyEnvelopeSchema.safeParse(raw);
    if (!envelope.success) throw new DvError('INTERNAL', `malformed reply on ${def.subject}`);
    if (!envelope.data.ok) throw DvError.fromBody(envelope.data.error);
    const data = def.reply.safeParse(envelope.data.data);
    if (!data.success) throw new DvError('INTERNAL', `reply on ${def.subject} failed its schema: ${summarizeIssues(data.error)}`);
    return data.data as RpcReply<D>;
  }

  /**
   * The reply's data as the JSON bytes the service wrote, unparsed and not validated again: for a caller
   * that forwards them as they are (the gateway's list page, docs/decisions/0033). The serving side
   * validated them against `def.reply` before sending (serveRpc); the request is validated here as in
   * call(). An error reply is a DvError as in call(); an envelope in another form is parsed, validated
   * and written again.
   */
  async callForBytes<D extends RpcDefinition>(def: D, body: RpcRequestInput<D>, options: RpcCallOptions = {}): Promise<Uint8Array> {
    this.checkRequest(def, body);
    const raw = await this.sendForBytes(def.subject, encoder.encode(JSON.stringify(body)), options);
    const data = replyDataBytes(raw);
    if (data !== undefined) return data;
    return encoder.encode(JSON.stringify(this.replyData(def, parseReply(def.subject, raw))));
  }

  /** Sends raw bytes on a subject and parses the JSON answer: for tests of malformed input. */
  async sendRaw(subject: string, payload: Uint8Array, options: RpcCallOptions = {}): Promise<unknown> {
    return this.send(subject, payload, options);
  }

  private async send(subject: string, payload: Uint8Array, options: RpcCallOptions): Promise<unknown> {
    return parseReply(subject, await this.sendForBytes(subject, payload, options));
  }

  private async sendForBytes(subject: string, payload: Uint8Array, options: RpcCallOptions): Promise<Uint8Array> {
    const timeout = options.timeoutMs ?? this.defaults.timeoutMs;
    // startSpan + an explicit context (not startActiveSpan): one promise hop less per request.
    const parent = options.traceContext ?? context.active();
    const span = tracer.startSpan(
      `${subject} send`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject },
      },
      parent,
    );
    try {
      const h = natsHeaders();
      h.set(HEADERS.requestId, options.requestId ?? randomUUID());
      if (options.identity !== undefined) h.set(HEADERS.identity, identityHeader(options.identity));
      injectTraceContext(h, trace.setSpan(parent, span));
      let msg: Msg;
      try {
        msg = await this.nc.request(subject, payload, { timeout, headers: h });
      } catch (error) {
        throw toUnavailable(error, subject, timeout);
      }
      return msg.data;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof DvError ? error.code : 'error' });
      throw error;
    } finally {
      span.end();
    }
  }
}

function parseReply(subject: string, data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data)) as unknown;
  } catch {
    throw new DvError('INTERNAL', `reply on ${subject} is not JSON`);
  }
}

function toUnavailable(error: unknown, subject: string, timeoutMs: number): unknown {
  if (error instanceof RequestError && error.isNoResponders()) {
    return DvError.unavailable(`no service answers ${subject}`, { subject, reason: 'no-responders' });
  }
  if (error instanceof TimeoutError || (error instanceof RequestError && error.cause instanceof TimeoutError)) {
    return DvError.unavailable(`no answer on ${subject} within ${timeoutMs} ms`, { subject, reason: 'timeout', timeoutMs });
  }
  if (error instanceof Error) return DvError.unavailable(`request on ${subject} failed: ${error.message}`, { subject, reason: 'transport' });
  return error;
}
