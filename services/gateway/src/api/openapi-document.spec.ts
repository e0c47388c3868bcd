import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ALL_OPERATIONS } from './all-operations';
import { type ApiOperation } from './api-operation';
import { nameApiSchema } from './api-schema-names';
import { documentText } from './api-document-file';
import { OPENAPI_FILE } from './openapi-file';
import { type JsonObject, openApiDocument } from './openapi-document';

type Operation = JsonObject & { responses: Record<string, JsonObject>; parameters?: JsonObject[]; security?: unknown[] };

const document = openApiDocument(ALL_OPERATIONS);
const paths = document['paths'] as Record<string, Record<string, Operation>>;
const schemas = (document['components'] as { schemas: Record<string, JsonObject> }).schemas;
const operation = (path: string, method: string): Operation => paths[path]?.[method] as Operation;

describe('the OpenAPI document', () => {
  it('is the committed docs/api/openapi.json (regenerate with npm run api:generate)', async () => {
    expect(await readFile(OPENAPI_FILE, 'utf8')).toBe(documentText(document));
  });

  it('is OpenAPI 3.1 with one operation per descriptor, under its id', () => {
    expect(document['openapi']).toBe('3.1.0');
    const ids = Object.values(paths).flatMap((item) => Object.values(item).map((op) => op['operationId']));
    expect(ids.sort()).toEqual(ALL_OPERATIONS.map((op) => op.operationId).sort());
  });

  it('needs a bearer token by default, and none for the API description', () => {
    expect(document['security']).toEqual([{ bearer: [] }]);
    expect(document['components']).toMatchObject({ securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } });
    expect(operation('/api/openapi.json', 'get').security).toEqual([]);
    expect(operation('/api/v1/datavolumes', 'get').security).toBeUndefined();
  });

  it("answers every error status with the platform's error body; 401 and 503 on every authenticated operation, 429 (rate limits) and 500 everywhere", () => {
    for (const op of ALL_OPERATIONS) {
      const responses = operation(op.path, op.method.toLowerCase()).responses;
      const errors = Object.keys(responses).filter((status) => Number(status) >= 400);
      expect(errors).toEqual(expect.arrayContaining([...op.errors.map(String), '429', '500', ...(op.auth === 'none' ? [] : ['401', '503'])]));
      for (const status of errors)
        expect(responses[status]).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
    }
    expect(schemas['Error']).toMatchObject({ type: 'object', required: ['code', 'message'], properties: { code: { type: 'integer' } } });
  });

  it('documents requests by their input side and answers by their output side, shared shapes as components', () => {
    // One parameter per field, required when the schema needs it.
    expect(operation('/api/v1/datavolumes/name-availability', 'get').parameters).toEqual([
      expect.objectContaining({ name: 'dataName', in: 'query', required: true }),
      expect.objectContaining({ name: 'clusterId', in: 'query', required: true }),
    ]);
    // A rule across fields (UsableInProject needs usableInProjectId): one exploded object that says it.
    const [query, ...others] = (operation('/api/v1/datavolumes', 'get').parameters ?? []).filter((p) => p['in'] === 'query');
    expect(others).toEqual([]);
    expect(query).toMatchObject({ in: 'query', style: 'form', explode: true, required: true });
    const schema = query?.['schema'] as { properties: Record<string, JsonObject> } & JsonObject;
    expect(schema).toMatchObject({
      type: 'object',
      required: ['requestType'],
      additionalProperties: false,
      if: { properties: { requestType: { const: 'UsableInProject' } } },
      then: { required: ['usableInProjectId'] },
    });
    // A query integer is an integer to the caller, with its bounds, though its schema takes a string.
    expect(schema.properties['limit']).toEqual({ description: expect.any(String), type: 'integer', minimum: 1, maximum: 500 });
    expect(schema.properties['filterBy']).toMatchObject({ type: 'array', items: { pattern: expect.stringMatching(/^\^\(name\|/) } });
    expect(operation('/api/v1/datavolumes/{id}', 'get').parameters?.filter((p) => p['in'] === 'path')).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true, schema: expect.objectContaining({ format: 'uuid' }) }),
    ]);
    // The create body: input side (an optional field with a default is not required), unknown fields refused.
    expect(schemas['CreateDataVolumeRequest']).toMatchObject({ required: ['name', 'projectId', 'originPvcName'], additionalProperties: false });
    // Answers: exactly the fields shown (internal ones left out), sharedScopes only where the reference has it.
    const volume = schemas['DataVolume'] as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(volume.properties)).not.toEqual(expect.arrayContaining(['namespace']));
    expect(Object.keys(volume.properties)).not.toContain('sharedScopes');
    expect(volume.additionalProperties).toBe(false);
    expect(JSON.stringify(schemas['DataVolumeWithSharedScopes'])).toContain('"#/components/schemas/SharedScope"');
    expect(JSON.stringify(schemas['ListDataVolumes200'])).toContain('"#/components/schemas/DataVolume"');
  });

  // Found by Schemathesis (positive_data_acceptance): the password grant was offered and refused.
  it('offers only the token grants the gateway forwards (password is refused, so not offered)', () => {
    const v2 = JSON.stringify(schemas['IssueTokenV2Request']);
    const v1 = JSON.stringify(schemas['IssueTokenV1Request']);
    expect(v2).toContain('"client_credentials"');
    expect(v1).toContain('"app_token"');
    expect(v2).not.toContain('"password"]');
    expect(v1).not.toContain('"password"]');
    expect([v2, v1].join()).not.toMatch(/"enum":\[[^\]]*"password"/);
  });

  it('leaves no reference dangling', () => {
    for (const match of JSON.stringify(document).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) expect(Object.keys(schemas)).toContain(match[1]);
  });

  it('names a shared shape used by a request and by an answer apart: <name>Input for the request', () => {
    const shared = nameApiSchema(z.object({ size: z.number().int().default(1) }), 'SpecShared');
    const op: ApiOperation = {
      operationId: 'putThing',
      method: 'PUT',
      path: '/api/things',
      tags: ['T'],
      summary: 's',
      body: z.object({ thing: shared }),
      responses: { 200: { description: 'ok', schema: z.object({ thing: shared }) } },
      errors: [],
      calls: [],
    };
    const { components } = openApiDocument([op]) as { components: { schemas: Record<string, JsonObject> } };
    expect(components.schemas['SpecShared']).toMatchObject({ required: ['size'], additionalProperties: false });
    expect(components.schemas['SpecSharedInput']).toEqual({ type: 'object', properties: { size: expect.objectContaining({ default: 1 }) } });
    expect(JSON.stringify(components.schemas['PutThingRequest'])).toContain('"#/components/schemas/SpecSharedInput"');
    expect(JSON.stringify(components.schemas['PutThing200'])).toContain('"#/components/schemas/SpecShared"');
  });

  it('documents a request header as a string, or as JSON content when its value is an object (X-DV-At-Least by its name)', () => {
    const op: ApiOperation = {
      operationId: 'readThing',
      method: 'GET',
      path: '/api/thing',
      tags: ['T'],
      summary: 's',
      headers: { 'X-DV-At-Least': 'Read your writes.', 'X-Plain': 'Some text.', 'X-Count': { description: 'A number.', schema: z.number().int() } },
      responses: { 200: { description: 'ok' } },
      errors: [],
      calls: [],
    };
    const doc = openApiDocument([op]) as { paths: Record<string, Record<string, { parameters: JsonObject[] }>> };
    expect(doc.paths['/api/thing']?.['get']?.parameters).toEqual([
      {
        name: 'X-DV-At-Least',
        in: 'header',
        required: false,
        description: 'Read your writes.',
        content: {
          'application/json': {
            schema: expect.objectContaining({
              type: 'object',
              additionalProperties: false,
              properties: expect.objectContaining({ events: expect.objectContaining({ type: 'integer', minimum: 0 }) }),
            }),
          },
        },
      },
      { name: 'X-Plain', in: 'header', required: false, description: 'Some text.', schema: { type: 'string' } },
      { name: 'X-Count', in: 'header', required: false, description: 'A number.', schema: expect.objectContaining({ type: 'integer' }) },
    ]);
  });

  it('refuses two descriptors of one operation and a status that is both a success and an error', () => {
    const op: ApiOperation = {
      operationId: 'x',
      method: 'GET',
      path: '/api/x',
      tags: ['T'],
      summary: 's',
      responses: { 200: { description: 'ok' } },
      errors: [],
      calls: [],
    };
    expect(() => openApiDocument([op, { ...op, operationId: 'y' }])).toThrow('two descriptors for GET /api/x');
    expect(() => openApiDocument([{ ...op, responses: { 400: { description: 'odd' } }, errors: [400] }])).toThrow('400 is both a success and an error');
  });
});
