import { type z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** The error statuses an operation may answer; each is documented with the platform's error body `{code, message, details?}`. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 429 | 431 | 500 | 503;

export interface ApiHeader {
  description: string;
  /** The value's schema; an object schema means the header carries JSON. */
  schema: z.ZodType;
}

export interface ApiResponse {
  description: string;
  /** The body's schema (its output side is documented); absent for a response without a body (204). */
  schema?: z.ZodType;
  /** `application/json` unless said otherwise (e.g. `text/csv` for a download). */
  contentType?: string;
  /** Response headers worth documenting, by name: their description. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * One HTTP operation of the gateway, described once: the controller validates with these schemas and
 * the OpenAPI document is generated from them (one source of truth; a test fails when a route has no
 * descriptor or a descriptor no route).
 */
export interface ApiOperation {
  /** Unique, camelCase: `listDataVolumes`. */
  operationId: string;
  method: HttpMethod;
  /** OpenAPI form: `/api/v1/datavolumes/{id}`. */
  path: string;
  /** The OpenAPI tags: `Data volumes`, `Authorization`, `Audit`, `Tokens`, `Service accounts`, `Extensions`. */
  tags: readonly string[];
  summary: string;
  description?: string;
  /** Path parameters, one field each. */
  params?: z.ZodObject;
  /** Query parameters, one field each, parsed by `parseQuery` (an array field may be repeated). */
  query?: z.ZodObject;
  /** The request body (input side documented); `application/json` unless `bodyContentType` says otherwise. */
  body?: z.ZodType;
  bodyContentType?: string;
  /**
   * Request headers the operation reads beyond Authorization (e.g. `X-DV-At-Least`): their description,
   * or the description and the schema of their value (a JSON value is documented as JSON content). A
   * header of API_HEADER_SCHEMAS (api-headers.ts) has its schema there.
   */
  headers?: Readonly<Record<string, string | ApiHeader>>;
  /** Success answers by status. */
  responses: Readonly<Partial<Record<number, ApiResponse>>>;
  /** Error answers (the generator adds 401 and 503 to every authenticated operation, 429, 431 and 500 to every one). */
  errors: readonly ErrorStatus[];
  /** The NATS subjects the operation calls (documentation, and the gateway's NATS permissions). */
  calls: readonly string[];
  /** `none` only for the token endpoints and the API description itself. */
  auth?: 'bearer' | 'none';
}
