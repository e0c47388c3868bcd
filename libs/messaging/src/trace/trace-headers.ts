import { context, propagation, type Context, ROOT_CONTEXT, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { type MsgHdrs } from '@nats-io/nats-core';

const setter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

const getter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => (carrier ? carrier.keys() : []),
  get: (carrier, key) => (carrier?.has(key) ? carrier.get(key) : undefined),
};

/** Writes the active trace context (W3C traceparent/tracestate) into NATS headers. */
export function injectTraceContext(headers: MsgHdrs, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers, setter);
}

/** Reads the trace context a caller put in NATS headers, or the root context when there is none. */
export function extractTraceContext(headers: MsgHdrs | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, headers, getter);
}

/** The active trace context as plain fields, for an event envelope. */
export function currentTraceFields(ctx: Context = context.active()): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const out: { traceparent?: string; tracestate?: string } = {};
  if (carrier['traceparent'] !== undefined) out.traceparent = carrier['traceparent'];
  if (carrier['tracestate'] !== undefined) out.tracestate = carrier['tracestate'];
  return out;
}

/** The context described by envelope fields (an outbox event published long after its request). */
export function contextFromTraceFields(fields: { traceparent?: string | undefined; tracestate?: string | undefined }): Context {
  const carrier: Record<string, string> = {};
  if (fields.traceparent) carrier['traceparent'] = fields.traceparent;
  if (fields.tracestate) carrier['tracestate'] = fields.tracestate;
  return propagation.extract(ROOT_CONTEXT, carrier);
}
