import {
  AUDIT_SEQ_HEADER,
  HEADERS,
  NATS_PERMISSION_MANIFEST,
  type NatsClientManifest,
  dataVolumeSchema,
  errorBodySchema,
  eventEnvelopeSchema,
  identitySchema,
} from '@dv/contracts';
import { z } from 'zod';
import { AUDIT_RECORD, EVENT_GROUPS, RPC_GROUPS, STREAM_ENTRIES, type StreamEntry } from './contract-catalog';

export type JsonObject = Record<string, unknown>;

export const ASYNCAPI_DOCUMENT_VERSION = '1.0.0';

const SCHEMA = '#/components/schemas/';

/** Shapes many messages share, named once as components (the rest are named after their subject). */
const SHARED_SCHEMAS: readonly [z.ZodType, string][] = [
  [identitySchema, 'Identity'],
  [errorBodySchema, 'ErrorBody'],
  [eventEnvelopeSchema, 'CloudEventEnvelope'],
  [dataVolumeSchema, 'DataVolume'],
];

/**
 * The AsyncAPI 3.0 document of the platform's NATS side, generated from libs/contracts (the zod
 * schemas every service validates with) and the permission manifest (who serves, calls, publishes and
 * consumes what): every RPC subject with its request and its reply, every event with its CloudEvents
 * envelope and data, every stream, the dead letters, and the sealed audit records for outside consumers.
 */
export function asyncApiDocument(manifest: readonly NatsClientManifest[] = NATS_PERMISSION_MANIFEST): JsonObject {
  const schemas = new SchemaComponents();
  const channels: Record<string, JsonObject> = {};
  const operations: Record<string, JsonObject> = {};
  const messages: Record<string, JsonObject> = {};
  const streamOf = (subject: string): StreamEntry | undefined => STREAM_ENTRIES.find((s) => s.subjects.some((pattern) => subjectMatches(pattern, subject)));
  const clients = (pick: (m: NatsClientManifest) => boolean): string[] => manifest.filter(pick).map((m) => m.client);

  for (const group of RPC_GROUPS) {
    for (const rpc of group.rpcs) {
      const id = rpc.subject;
      messages[`${id}.request`] = {
        name: `${id}.request`,
        title: `${id} request`,
        summary: rpc.description,
        headers: { $ref: `${SCHEMA}RequestHeaders` },
        payload: schemas.ref(rpc.request, `${id}.request`, 'input'),
      };
      messages[`${id}.reply`] = {
        name: `${id}.reply`,
        title: `${id} reply`,
        summary: `The reply: {ok: true, data} or {ok: false, error}.`,
        headers: { $ref: `${SCHEMA}ReplyHeaders` },
        payload: {
          oneOf: [
            { type: 'object', required: ['ok', 'data'], properties: { ok: { const: true }, data: schemas.ref(rpc.reply, `${id}.reply`, 'output') } },
            { type: 'object', required: ['ok', 'error'], properties: { ok: { const: false }, error: { $ref: `${SCHEMA}ErrorBody` } } },
          ],
        },
      };
      channels[id] = {
        address: id,
        description: rpc.description,
        messages: { request: { $ref: `#/components/messages/${id}.request` } },
        'x-dv-kind': 'request/reply',
      };
      channels[`${id}.reply`] = {
        address: null,
        description: `Replies to ${id}: the requester's inbox (_INBOX_<client>.…), its NATS reply subject.`,
        messages: { reply: { $ref: `#/components/messages/${id}.reply` } },
      };
      operations[id] = {
        action: 'receive',
        channel: { $ref: `#/channels/${id}` },
        summary: rpc.description,
        messages: [{ $ref: `#/channels/${id}/messages/request` }],
        reply: { channel: { $ref: `#/channels/${id}.reply` }, messages: [{ $ref: `#/channels/${id}.reply/messages/reply` }] },
        bindings: { nats: { queue: group.name, bindingVersion: '0.1.0' } },
        'x-dv-served-by': clients((m) => m.serves.includes(id)),
        'x-dv-called-by': clients((m) => m.calls.includes(id)),
        ...(rpc.audit === undefined ? {} : { 'x-dv-audited': rpc.audit.operation }),
      };
    }
  }

  for (const group of EVENT_GROUPS) {
    for (const event of group.events) {
      const id = event.type;
      const stream = streamOf(id);
      messages[id] = {
        name: id,
        title: id,
        summary: event.description,
        headers: { $ref: `${SCHEMA}EventHeaders` },
        payload: {
          allOf: [
            { $ref: `${SCHEMA}CloudEventEnvelope` },
            { type: 'object', properties: { type: { const: id }, data: schemas.ref(event.data, `${id}.data`, 'output') } },
          ],
        },
      };
      channels[id] = {
        address: id,
        description: event.description,
        messages: { event: { $ref: `#/components/messages/${id}` } },
        ...(stream === undefined ? {} : { 'x-dv-stream': stream.name }),
      };
      operations[`${id}.publish`] = {
        action: 'send',
        channel: { $ref: `#/channels/${id}` },
        summary: `Published (JetStream, Nats-Msg-Id = the event id) by ${clients((m) => m.publishes.includes(id)).join(', ') || 'the platform'}.`,
        messages: [{ $ref: `#/channels/${id}/messages/event` }],
        'x-dv-published-by': clients((m) => m.publishes.includes(id)),
        'x-dv-consumed-by': clients(
          (m) =>
            m.consumes.some((c) => c.events.some((pattern) => subjectMatches(pattern, id))) ||
            (stream !== undefined && (m.follows as readonly string[]).includes(stream.name)),
        ),
      };
    }
  }

  const audit = AUDIT_RECORD.subject;
  const auditStream = streamOf(audit);
  messages[audit] = {
    name: audit,
    title: 'Sealed audit record',
    summary: AUDIT_RECORD.description,
    headers: { $ref: `${SCHEMA}AuditRecordHeaders` },
    payload: schemas.ref(AUDIT_RECORD.schema, 'AuditRecord', 'output'),
  };
  channels[audit] = {
    address: audit,
    description: AUDIT_RECORD.description,
    messages: { record: { $ref: `#/components/messages/${audit}` } },
    ...(auditStream === undefined ? {} : { 'x-dv-stream': auditStream.name }),
  };
  operations[`${audit}.publish`] = {
    action: 'send',
    channel: { $ref: `#/channels/${audit}` },
    summary: 'Each sealed record, in chain order, by the audit service.',
    messages: [{ $ref: `#/channels/${audit}/messages/record` }],
    'x-dv-published-by': clients((m) => m.publishes.includes(audit)),
    'x-dv-consumed-by': clients((m) => auditStream !== undefined && (m.follows as readonly string[]).includes(auditStream.name)),
  };

  const deadLetters = 'dv.dlq.{consumer}.{subject}';
  messages['dv.dlq'] = {
    name: 'dv.dlq',
    title: 'Dead letter',
    summary: 'An event a durable consumer gave up on: its original body and headers, and why.',
    headers: { $ref: `${SCHEMA}DeadLetterHeaders` },
    payload: { description: 'The original event, unchanged (see its own channel).' },
  };
  channels['dv.dlq'] = {
    address: deadLetters,
    description: 'Dead letters of the durable consumers: dv.dlq.<consumer>.<original subject>.',
    parameters: {
      consumer: { description: 'The durable consumer (the service name).' },
      subject: { description: 'The original subject (it has dots of its own).' },
    },
    messages: { deadLetter: { $ref: '#/components/messages/dv.dlq' } },
    'x-dv-stream': streamOf('dv.dlq.x.y')?.name,
  };
  operations['dv.dlq.publish'] = {
    action: 'send',
    channel: { $ref: '#/channels/dv.dlq' },
    summary: 'Published by a durable consumer after its last delivery of an event failed.',
    messages: [{ $ref: '#/channels/dv.dlq/messages/deadLetter' }],
    'x-dv-published-by': clients((m) => m.consumes.length > 0),
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Data volumes platform: NATS subjects, events and streams',
      version: ASYNCAPI_DOCUMENT_VERSION,
      description:
        'Request/reply on core NATS (plain JSON bodies, one queue group per service, the caller in the dv-identity header) and events on JetStream (CloudEvents JSON), for the platform’s other services and for audit consumers. Every NATS client is its own user, allowed only what deploy/nats/nats-server.conf says (generated from the same contracts). Generated from libs/contracts by npm run api:generate.',
    },
    defaultContentType: 'application/json',
    servers: {
      nats: { host: 'nats:4222', protocol: 'nats', description: 'nats-server with JetStream; one user and password per client (deny by default).' },
    },
    channels: sortKeys(channels),
    operations: sortKeys(operations),
    components: {
      schemas: { ...headerSchemas(), ...schemas.components() },
      messages: sortKeys(messages),
    },
    'x-dv-streams': STREAM_ENTRIES.map((s) => ({ name: s.name, subjects: [...s.subjects], description: s.description })),
  };
}

function headerSchemas(): Record<string, JsonObject> {
  const text = (description: string): JsonObject => ({ type: 'string', description });
  return {
    RequestHeaders: {
      type: 'object',
      properties: {
        [HEADERS.identity]: text('JSON of the caller (Identity), set by the edge that authenticated it; required by every service subject.'),
        [HEADERS.requestId]: text('1 to 128 printable ASCII characters, passed along every hop.'),
        [HEADERS.traceparent]: text('W3C trace context.'),
        [HEADERS.tracestate]: text('W3C trace context.'),
      },
    },
    ReplyHeaders: { type: 'object', properties: { [HEADERS.responder]: text('Which replica answered: <service>@<host>:<pid>.') } },
    EventHeaders: {
      type: 'object',
      properties: { [HEADERS.msgId]: text('The event id (JetStream de-duplication).'), [HEADERS.traceparent]: text('W3C trace context.') },
    },
    AuditRecordHeaders: {
      type: 'object',
      properties: { [HEADERS.msgId]: text('audit-<seq>.'), [AUDIT_SEQ_HEADER]: text('The record’s position in the chain.') },
    },
    DeadLetterHeaders: { type: 'object', properties: { [HEADERS.deadLetterReason]: text('Why the consumer gave up (at most 1000 characters).') } },
  };
}

/**
 * The message schemas as JSON Schema draft-07 (the AsyncAPI schema format's base): requests by their
 * input side, replies, events and records by their output side; the shared shapes referenced.
 */
class SchemaComponents {
  private readonly registries = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
  private readonly names = new Map<string, z.ZodType>();

  constructor() {
    for (const [schema, name] of SHARED_SCHEMAS) this.add(schema, name, 'output');
  }

  ref(schema: z.ZodType, name: string, io: 'input' | 'output'): JsonObject {
    const shared = SHARED_SCHEMAS.find(([s]) => s === schema);
    return { $ref: `${SCHEMA}${shared !== undefined && io === 'output' ? shared[1] : this.add(schema, name, io)}` };
  }

  components(): Record<string, JsonObject> {
    const out: Record<string, JsonObject> = {};
    for (const io of ['output', 'input'] as const) {
      const { schemas } = z.toJSONSchema(this.registries[io], { io, target: 'draft-07', unrepresentable: 'any', uri: (id) => `${SCHEMA}${id}` });
      for (const [id, json] of Object.entries(schemas)) {
        const { $schema: _dialect, $id: _id, ...rest } = json as JsonObject;
        out[id] = rest;
      }
    }
    return sortKeys(out);
  }

  private add(schema: z.ZodType, name: string, io: 'input' | 'output'): string {
    const taken = this.names.get(name);
    if (taken !== undefined && taken !== schema) throw new Error(`two schemas named ${name}`);
    if (taken === undefined) {
      this.names.set(name, schema);
      // One schema may serve two subjects (the same reply shape): the first name is kept, the second refers to it.
      const existing = this.registries[io].get(schema)?.id;
      if (existing !== undefined) return existing;
      this.registries[io].add(schema, { id: name });
    }
    return this.registries[io].get(schema)?.id ?? name;
  }
}

/** NATS subject matching: `*` one token, `>` the rest. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
