import * as contracts from '@dv/contracts';
import { readFile } from 'node:fs/promises';
import { type JsonObject, asyncApiDocument, subjectMatches } from './asyncapi-document';
import { ASYNCAPI_FILE, documentText } from './asyncapi-file';

const document = asyncApiDocument();
const channels = document['channels'] as Record<string, JsonObject>;
const operations = document['operations'] as Record<string, JsonObject & { action: string; reply?: JsonObject }>;
const components = document['components'] as { schemas: Record<string, JsonObject>; messages: Record<string, JsonObject> };

/** Every RPC and event definition the contracts library exports, found by walking its exports (not the generator's lists). */
function contractDefinitions(): { rpcs: Set<string>; events: Set<string> } {
  const rpcs = new Set<string>();
  const events = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > 4) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (record['kind'] === 'rpc' && typeof record['subject'] === 'string') rpcs.add(record['subject']);
    else if (record['kind'] === 'event' && typeof record['type'] === 'string') events.add(record['type']);
    // A zod schema is not a contract and has nothing of one inside.
    else if (!('_zod' in record)) for (const inner of Object.values(record)) walk(inner, depth + 1);
  };
  walk(contracts, 0);
  return { rpcs, events };
}

describe('the AsyncAPI document', () => {
  it('is the committed docs/api/asyncapi.json (regenerate with npm run api:generate)', async () => {
    expect(await readFile(ASYNCAPI_FILE, 'utf8')).toBe(documentText(document));
  });

  it('is AsyncAPI 3.0 for NATS, JSON by default', () => {
    expect(document).toMatchObject({ asyncapi: '3.0.0', defaultContentType: 'application/json', servers: { nats: { protocol: 'nats' } } });
  });

  it('lists every RPC subject in the contracts, served by a client, with its request and its reply', () => {
    const { rpcs } = contractDefinitions();
    expect(rpcs.size).toBeGreaterThan(30);
    for (const subject of rpcs) {
      expect([subject, channels[subject]?.['address']]).toEqual([subject, subject]);
      expect(operations[subject]).toMatchObject({ action: 'receive', reply: { channel: { $ref: `#/channels/${subject}.reply` } } });
      expect(components.messages[`${subject}.request`]?.['payload']).toEqual({ $ref: expect.stringMatching(/^#\/components\/schemas\//) });
      expect(JSON.stringify(components.messages[`${subject}.reply`])).toContain('"#/components/schemas/ErrorBody"');
      expect([subject, (operations[subject]?.['x-dv-served-by'] as string[]).length]).toEqual([subject, 1]);
    }
    // And nothing the contracts do not have.
    const described = Object.values(operations)
      .filter((op) => op.action === 'receive')
      .map((op) => ((op['channel'] as { $ref: string }).$ref ?? '').replace('#/channels/', ''));
    expect(described.sort()).toEqual([...rpcs].sort());
  });

  it('lists every event in the contracts with its envelope and data schema, on the stream that stores it', () => {
    const { events } = contractDefinitions();
    expect(events.size).toBeGreaterThan(30);
    for (const type of events) {
      expect([type, channels[type]?.['address'], typeof channels[type]?.['x-dv-stream']]).toEqual([type, type, 'string']);
      const payload = JSON.stringify(components.messages[type]?.['payload']);
      expect(payload).toContain('"#/components/schemas/CloudEventEnvelope"');
      expect(payload).toMatch(/"data":\{"\$ref":"#\/components\/schemas\/[^"]+"\}/);
      expect(operations[`${type}.publish`]).toMatchObject({ action: 'send' });
    }
  });

  it('lists every stream with its subjects, and a channel on each subject space; the audit records for outside consumers', () => {
    const streams = document['x-dv-streams'] as { name: string; subjects: string[] }[];
    const expected = [...Object.values(contracts.STREAMS), contracts.AUDIT_STREAM].map((s) => ({ name: s.name, subjects: [...s.subjects] }));
    expect(streams.map((s) => ({ name: s.name, subjects: s.subjects }))).toEqual(expected);
    const addresses = Object.values(channels).map((c) => String(c['address']).replace(/\{[^}]+\}/g, 'x'));
    for (const stream of streams)
      for (const pattern of stream.subjects) expect([pattern, addresses.some((a) => subjectMatches(pattern, a))]).toEqual([pattern, true]);
    expect(channels[contracts.AUDIT_RECORD_SUBJECT]).toMatchObject({ 'x-dv-stream': contracts.AUDIT_STREAM.name });
    expect(components.messages[contracts.AUDIT_RECORD_SUBJECT]).toMatchObject({ payload: { $ref: '#/components/schemas/AuditRecord' } });
    expect(operations[`${contracts.AUDIT_RECORD_SUBJECT}.publish`]).toMatchObject({
      'x-dv-published-by': ['audit'],
      'x-dv-consumed-by': expect.arrayContaining(['audit-reader']),
    });
  });

  it('leaves no reference dangling', () => {
    const text = JSON.stringify(document);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(schemas|messages)\/([^"]+)"/g))
      expect([kind, name, components[kind as 'schemas'][name as string] !== undefined]).toEqual([kind, name, true]);
    for (const [, channel, message] of text.matchAll(/"#\/channels\/([^"/]+)(?:\/messages\/([^"]+))?"/g)) {
      const target = channels[channel as string] as { messages: Record<string, unknown> } | undefined;
      expect([channel, target !== undefined && (message === undefined || target.messages[message] !== undefined)]).toEqual([channel, true]);
    }
  });
});
