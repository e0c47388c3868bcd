import { z } from 'zod';
import { type ApiHeader, type ApiOperation, type ErrorStatus } from './api-operation';
import { API_HEADER_SCHEMAS } from './api-headers';
import { apiSchemaName, namedApiSchemas } from './api-schema-names';
import { httpErrorBodySchema } from './error-body-schema';
import { queryIntegers } from './parse-query';

export type JsonObject = Record<string, unknown>;

/** The API's version in the document (the mirrored API's paths carry their own: /api/v1, /api/v2). */
export const API_DOCUMENT_VERSION = '1.0.0';

/** What every operation may answer besides its own statuses: the gateway's, not the operation's. */
const BEARER_ERRORS: readonly ErrorStatus[] = [401, 503];
/**
 * 429: the per-client rate limit (decision 0025), on every path; 431: a request line and headers larger
 * than the server reads (a long query string), before any route.
 */
const ANY_ERRORS: readonly ErrorStatus[] = [429, 431, 500];

const ERROR_DESCRIPTIONS: Readonly<Record<ErrorStatus, string>> = {
  400: 'Bad input: the message and `details.issues` name each bad field.',
  401: 'Missing, malformed, expired or otherwise invalid bearer token (which check failed is not said).',
  403: 'The caller may not do this.',
  404: 'No such resource.',
  409: 'Conflict (e.g. a name already taken).',
  412: 'A precondition does not hold (e.g. the volume is in use; details say which).',
  413: 'The body is larger than the gateway accepts.',
  415: 'The body is not of a media type the operation accepts.',
  429: 'Too many requests: try again after Retry-After seconds.',
  431: 'The request line and headers (a long query string) are larger than the server reads.',
  500: 'Internal error (nothing of the cause is said).',
  503: 'A service or the identity provider did not answer in time: try again in a few minutes.',
};

const COMPONENT = '#/components/schemas/';

/**
 * The OpenAPI 3.1 document of the gateway, generated from the operations' descriptors: the same zod
 * schemas the controllers parse with (their input side) and answer with (their output side). Shared
 * shapes (nameApiSchema) and every body become components; parameters are inlined.
 */
export function openApiDocument(operations: readonly ApiOperation[]): JsonObject {
  const inputs = new NamedSchemas('input');
  const outputs = new NamedSchemas('output');
  outputs.ref(httpErrorBodySchema, 'Error');
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const op of [...operations].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const item = (paths[op.path] ??= {});
    const method = op.method.toLowerCase();
    if (item[method] !== undefined) throw new Error(`two descriptors for ${op.method} ${op.path}`);
    item[method] = operationObject(op, inputs, outputs);
  }
  const schemas = { ...outputs.components(), ...inputs.components() };
  if (Object.keys(schemas).length !== Object.keys(outputs.components()).length + Object.keys(inputs.components()).length)
    throw new Error('a component name is used for a request and an answer shape: name one of them apart');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Data volumes platform API',
      version: API_DOCUMENT_VERSION,
      description:
        'The REST gateway of the data-volumes platform: the public API it mirrors (data volumes, authorization, audit, tokens, service accounts) and its extensions under /api/dv/v1. Every call takes `Authorization: Bearer <JWT>` of the identity provider unless it says otherwise; every non-2xx answer is `{code, message, details?}`.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    security: [{ bearer: [] }],
    tags: [...new Set(operations.flatMap((op) => op.tags))].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token of the identity provider for the gateway audience.' },
      },
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

function operationObject(op: ApiOperation, inputs: NamedSchemas, outputs: NamedSchemas): JsonObject {
  const name = op.operationId.charAt(0).toUpperCase() + op.operationId.slice(1);
  const parameters = [
    ...fieldsOf(op.params).map(([field, schema]) => parameter(field, 'path', schema, true)),
    ...queryParameters(op.query),
    ...Object.entries(op.headers ?? {}).map(([header, given]) => headerParameter(header, given)),
  ];
  const responses: Record<string, JsonObject> = {};
  for (const [status, response] of Object.entries(op.responses)) {
    if (response === undefined) continue;
    responses[status] = {
      description: response.description,
      ...(response.headers === undefined
        ? {}
        : { headers: Object.fromEntries(Object.entries(response.headers).map(([h, description]) => [h, { description, schema: { type: 'string' } }])) }),
      ...(response.schema === undefined
        ? {}
        : { content: { [response.contentType ?? 'application/json']: { schema: outputs.ref(response.schema, `${name}${status}`) } } }),
    };
  }
  const auth = op.auth ?? 'bearer';
  const errors = [...new Set([...op.errors, ...(auth === 'bearer' ? BEARER_ERRORS : []), ...ANY_ERRORS])].sort((a, b) => a - b);
  for (const status of errors) {
    if (responses[status] !== undefined) throw new Error(`${op.operationId}: ${status} is both a success and an error`);
    responses[status] = { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: { $ref: `${COMPONENT}Error` } } } };
  }
  return {
    operationId: op.operationId,
    tags: [...op.tags],
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    ...(auth === 'none' ? { security: [] } : {}),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(op.body === undefined
      ? {}
      : { requestBody: { required: true, content: { [op.bodyContentType ?? 'application/json']: { schema: inputs.ref(op.body, `${name}Request`) } } } }),
    responses,
    'x-dv-nats-subjects': [...op.calls],
  };
}

/** A request header: a string, or JSON content when its schema (given, or API_HEADER_SCHEMAS') is an object. */
function headerParameter(name: string, given: string | ApiHeader): JsonObject {
  const description = typeof given === 'string' ? given : given.description;
  const schema = typeof given === 'string' ? API_HEADER_SCHEMAS[name.toLowerCase()] : given.schema;
  const base = { name, in: 'header', required: false, description };
  if (schema === undefined) return { ...base, schema: { type: 'string' } };
  const json = toJsonSchema(schema, 'input');
  return json['type'] === 'object' ? { ...base, content: { 'application/json': { schema: json } } } : { ...base, schema: json };
}

/** Keywords of a rule across fields, which a list of separate parameters cannot say. */
const CROSS_FIELD_KEYWORDS = ['if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', 'not', 'dependentRequired', 'dependentSchemas'];

/**
 * The query parameters: one each, or, when the query schema carries a rule across its fields in JSON
 * Schema (`.meta({if, then})`), one exploded object (`style: form, explode: true`: each property is a
 * parameter of its own on the wire) whose schema says the rule. Unknown parameters are refused either way.
 */
function queryParameters(query: z.ZodObject | undefined): JsonObject[] {
  if (query === undefined) return [];
  const whole = toJsonSchema(query, 'input');
  if (!CROSS_FIELD_KEYWORDS.some((keyword) => keyword in whole))
    return fieldsOf(query).map(([field, schema]) => parameter(field, 'query', schema, !schema.safeParse(undefined).success));
  const { description, ...schema } = whole;
  return [
    {
      name: 'query',
      in: 'query',
      required: Array.isArray(schema['required']) && schema['required'].length > 0,
      description: `${typeof description === 'string' ? `${description} ` : ''}Each property is a query parameter of its own (${Object.keys(query.shape).join(', ')}).`,
      style: 'form',
      explode: true,
      schema: { ...schema, additionalProperties: false },
    },
  ];
}

function fieldsOf(schema: z.ZodObject | undefined): [string, z.ZodType][] {
  return schema === undefined ? [] : Object.entries(schema.shape as Record<string, z.ZodType>);
}

/** A parameter; an array is repeated (`filterBy=a&filterBy=b`), the JSON schema's description goes up to the parameter. */
function parameter(name: string, location: 'path' | 'query', schema: z.ZodType, required: boolean): JsonObject {
  const { description, ...json } = toJsonSchema(schema, 'input');
  return {
    name,
    in: location,
    required: location === 'path' || required,
    ...(typeof description === 'string' ? { description } : {}),
    ...(json['type'] === 'array' ? { style: 'form', explode: true } : {}),
    schema: json,
  };
}

/** zod to JSON Schema 2020-12 (OpenAPI 3.1's dialect), with query integers as integers. */
function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', override: integerQueryParameters }) as JsonObject;
  return json;
}

/** A query integer is a string of digits on the wire and an integer to the caller: documented as the latter. */
function integerQueryParameters(ctx: { zodSchema: unknown; jsonSchema: JsonObject }): void {
  const bounds = queryIntegers.get(ctx.zodSchema as z.ZodType);
  if (bounds === undefined) return;
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  Object.assign(ctx.jsonSchema, { type: 'integer', minimum: bounds.min, maximum: bounds.max });
}

/**
 * The bodies and answers of one side (input or output) as components: a named shape (nameApiSchema)
 * keeps its name and is referenced wherever it appears, inside other shapes too; any other body or
 * answer is named after its operation. Only what this side's operations reach is kept.
 */
class NamedSchemas {
  private readonly registry = z.registry<{ id: string }>();
  private readonly byName = new Map<string, z.ZodType>();
  private readonly roots = new Set<string>();

  constructor(private readonly io: 'input' | 'output') {}

  ref(schema: z.ZodType, fallbackName: string): JsonObject {
    // A text, a number or a map is clearer inline than as a component of its own.
    if (!(schema instanceof z.ZodObject) && apiSchemaName(schema) === undefined) return toJsonSchema(schema, this.io);
    const name = this.add(schema, this.sharedName(schema) ?? this.registry.get(schema)?.id ?? fallbackName);
    this.roots.add(name);
    return { $ref: `${COMPONENT}${name}` };
  }

  components(): Record<string, JsonObject> {
    for (const [schema] of namedApiSchemas()) if (!this.registry.has(schema)) this.add(schema, this.sharedName(schema) as string);
    const { schemas } = z.toJSONSchema(this.registry, {
      io: this.io,
      unrepresentable: 'any',
      override: integerQueryParameters,
      uri: (id) => `${COMPONENT}${id}`,
    });
    const kept = new Set<string>();
    const visit = (id: string): void => {
      if (kept.has(id)) return;
      kept.add(id);
      for (const match of JSON.stringify(schemas[id]).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) visit(match[1] as string);
    };
    for (const root of this.roots) visit(root);
    return Object.fromEntries(
      [...kept].map((id) => {
        const { $schema: _dialect, $id: _id, ...json } = schemas[id] as JsonObject;
        return [id, json];
      }),
    );
  }

  /** A named shape's component: its name for answers, `<name>Input` for requests (the two sides differ: defaults, unknown fields). */
  private sharedName(schema: z.ZodType): string | undefined {
    const name = apiSchemaName(schema);
    return name === undefined ? undefined : this.io === 'input' ? `${name}Input` : name;
  }

  private add(schema: z.ZodType, name: string): string {
    const taken = this.byName.get(name);
    if (taken !== undefined && taken !== schema) throw new Error(`two ${this.io} shapes named ${name}`);
    if (taken === undefined) {
      this.byName.set(name, schema);
      this.registry.add(schema, { id: name });
    }
    return name;
  }
}
