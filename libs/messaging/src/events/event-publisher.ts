import {
  DvError,
  HEADERS,
  type EventDataInput,
  type EventDefinition,
  type EventEnvelope,
  type ScopeRef,
  type SubjectType,
  summarizeIssues,
} from '@dv/contracts';
import { headers as natsHeaders, type NatsConnection, TimeoutError } from '@nats-io/nats-core';
import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { contextFromTraceFields, currentTraceFields, injectTraceContext } from '../trace/trace-headers';

export interface EventMeta {
  /** Who caused it; `system` for the platform's own doings. */
  actor: { id: string; type: SubjectType | 'system' };
  /** The aggregate the event is about (CloudEvents `subject`). */
  subject?: string;
  scope?: ScopeRef;
  /** The aggregate's version after the change: consumers apply an event only if it is newer. */
  aggregateVersion?: number;
  requestId?: string;
  /** Defaults to a new uuid; give a natural id to make re-publishing idempotent. */
  id?: string;
  time?: Date;
}

export interface PublishResult {
  /** Stream sequence: the revision a reader can ask to have seen. */
  seq: number;
  /** True when JetStream already held an event with this id (within its duplicate window). */
  duplicate: boolean;
}

export interface EventPublisherOptions {
  /**
   * How long a publish may keep trying while its stream has no leader (on a cluster, the seconds of
   * an election after the leader's node died: the server answers "no responders") or an attempt gets
   * no ack; then it fails with UNAVAILABLE. 3000 ms by default: below a caller's usual 5 s deadline.
   */
  retryForMs?: number;
}

const tracer = trace.getTracer('@dv/messaging');
/** Between attempts while a stream elects its leader. */
const RETRY_PAUSE_MS = 250;
/** The least an attempt waits for its ack. */
const MIN_ATTEMPT_MS = 500;
const encoder = new TextEncoder();

/**
 * Builds CloudEvents envelopes for typed events and publishes them to JetStream with
 * `Nats-Msg-Id` = event id, so a re-publish (outbox relay after a crash) is stored once.
 */
export class EventPublisher {
  private readonly js: JetStreamClient;

  constructor(
    nc: NatsConnection,
    /** CloudEvents `source`: `dv/<service>`. */
    private readonly source: string,
    private readonly options: EventPublisherOptions = {},
  ) {
    this.js = jetstream(nc);
  }

  /** A validated envelope for an event, carrying the active trace context. Throws on a wrong payload. */
  envelope<E extends EventDefinition>(def: E, data: EventDataInput<E>, meta: EventMeta): EventEnvelope {
    const parsed = def.data.safeParse(data);
    if (!parsed.success) throw DvError.validation(`invalid ${def.type} event: ${summarizeIssues(parsed.error)}`);
    const envelope: EventEnvelope = {
      specversion: '1.0',
      id: meta.id ?? randomUUID(),
      source: this.source,
      type: def.type,
      time: (meta.time ?? new Date()).toISOString(),
      datacontenttype: 'application/json',
      actorid: meta.actor.id,
      actortype: meta.actor.type,
      ...currentTraceFields(),
      data: parsed.data,
    };
    if (meta.subject !== undefined) envelope.subject = meta.subject;
    if (meta.scope !== undefined) {
      envelope.scopetype = meta.scope.scopeType;
      envelope.scopeid = meta.scope.scopeId;
    }
    if (meta.aggregateVersion !== undefined) envelope.aggregateversion = meta.aggregateVersion;
    if (meta.requestId !== undefined) envelope.requestid = meta.requestId;
    return envelope;
  }

  async publish<E extends EventDefinition>(def: E, data: EventDataInput<E>, meta: EventMeta): Promise<PublishResult> {
    return this.publishEnvelope(this.envelope(def, data, meta));
  }

  /** Publishes an envelope made earlier (the outbox), inside the trace of the request that made it. */
  async publishEnvelope(envelope: EventEnvelope): Promise<PublishResult> {
    const parent = envelope.traceparent ? contextFromTraceFields(envelope) : context.active();
    return tracer.startActiveSpan(
      `${envelope.type} publish`,
      { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': envelope.type, 'messaging.message.id': envelope.id } },
      parent,
      async (span) => {
        try {
          const h = natsHeaders();
          injectTraceContext(h);
          if (envelope.requestid) h.set(HEADERS.requestId, envelope.requestid);
          const ack = await this.publishWithRetry(envelope, h);
          return { seq: ack.seq, duplicate: ack.duplicate };
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  /**
   * Publishes until acked or `retryForMs` is spent: a stream without a leader for now ("no
   * responders": nats.js names it JetStreamNotEnabled) or an attempt without an ack is tried again;
   * the same `Nats-Msg-Id` makes a repeat land once. Out of time: UNAVAILABLE, a typed error the
   * caller may retry (an outbox keeps the event and its sweep publishes it later).
   */
  private async publishWithRetry(envelope: EventEnvelope, h: ReturnType<typeof natsHeaders>): Promise<PubAck> {
    const deadline = Date.now() + (this.options.retryForMs ?? 3000);
    const payload = encoder.encode(JSON.stringify(envelope));
    for (;;) {
      const timeout = Math.max(MIN_ATTEMPT_MS, deadline - Date.now());
      try {
        return await this.js.publish(envelope.type, payload, { msgID: envelope.id, headers: h, timeout });
      } catch (error) {
        // nats.js turns a publish's 503 (no responders) into JetStreamNotEnabled, a class it does not export.
        const noLeader = error instanceof Error && error.name === 'JetStreamNotEnabled';
        if (!noLeader && !(error instanceof TimeoutError)) throw error;
        if (Date.now() + RETRY_PAUSE_MS >= deadline) {
          throw DvError.unavailable(`event ${envelope.type} not stored: ${noLeader ? 'its stream has no leader right now' : 'no ack from JetStream'}`, {
            eventId: envelope.id,
            reason: noLeader ? 'no-stream-leader' : 'timeout',
          });
        }
        if (noLeader) await sleep(RETRY_PAUSE_MS);
      }
    }
  }
}
