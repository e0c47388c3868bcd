import { DvError, httpStatusOf } from '@dv/contracts';
import { HttpException } from '@nestjs/common';
import { RequestDeadlineError } from './request-deadlines';
import { validationError } from './validate';

/** The platform's error body on every non-2xx answer: the HTTP status again, a message, and details. */
export interface HttpErrorBody {
  code: number;
  message: string;
  details?: Record<string, unknown>;
}

export interface HttpError {
  status: number;
  body: HttpErrorBody;
  /** A failure of ours (5xx): worth a log line with the original error. */
  ours: boolean;
}

/** What 401 says, whatever check failed (missing, malformed, expired, forged, wrong issuer or audience). */
export const UNAUTHENTICATED_MESSAGE = 'Missing or invalid bearer token.';
/** The platform's 503 message. */
export const UNAVAILABLE_MESSAGE = 'Please try again in few minutes.';

/**
 * Any error as the HTTP answer: a DvError by its code (httpStatusOf, the one mapping), Nest's and
 * Fastify's own 4xx (unknown route, bad JSON, body too large) in the same body, anything else 500
 * without its message (it may hold internals).
 */
export function httpErrorOf(error: unknown): HttpError {
  if (error instanceof DvError) return fromDvError(error);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    // Nest's only 400 here is an unreadable body (Fastify's parser error, mapped by Nest): our own 400s are DvErrors.
    if (status === 400) return fromDvError(validationError([{ field: 'body', message: 'must be a JSON document' }]));
    // Nest's only 503 here is the request's deadline (RequestDeadlines, mapped by Nest, its class lost): GATEWAY_REQUEST_TIMEOUT_MS ran out.
    if (status === 503) return requestTimedOut();
    return status >= 500 ? internal() : { status, body: { code: status, message: error.message }, ours: false };
  }
  // The whole request took longer than GATEWAY_REQUEST_TIMEOUT_MS (RequestDeadlines; Fastify's handlerTimeout before): the platform's 503.
  if (error instanceof RequestDeadlineError) return requestTimedOut();
  if (error instanceof Error && 'code' in error && error.code === 'FST_ERR_HANDLER_TIMEOUT') return requestTimedOut();
  const fastify = fastifyClientError(error);
  if (fastify !== undefined) return fastify;
  return internal();
}

function fromDvError(error: DvError): HttpError {
  const status = httpStatusOf(error.code);
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return { status, body: { code: status, message: UNAUTHENTICATED_MESSAGE }, ours: false };
    case 'UNAVAILABLE':
      return { status, body: { code: status, message: UNAVAILABLE_MESSAGE }, ours: true };
    case 'INTERNAL':
      return internal();
    default:
      return {
        status,
        body: error.details === undefined ? { code: status, message: error.message } : { code: status, message: error.message, details: error.details },
        ours: false,
      };
  }
}

function requestTimedOut(): HttpError {
  return fromDvError(DvError.unavailable('the request took longer than GATEWAY_REQUEST_TIMEOUT_MS'));
}

function internal(): HttpError {
  return { status: 500, body: { code: 500, message: 'Internal error.' }, ours: true };
}

/** Fastify's errors before a handler runs (body parsing): they carry a 4xx statusCode and an FST_ code. */
function fastifyClientError(error: unknown): HttpError | undefined {
  if (!(error instanceof Error) || !('statusCode' in error) || typeof error.statusCode !== 'number') return undefined;
  const status = error.statusCode;
  if (status < 400 || status >= 500) return undefined;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, body: { code: 413, message: 'body: is larger than this server accepts' }, ours: false };
  // A body that is not JSON (unsupported media type, bad JSON, empty JSON): 400 naming what is wrong.
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return fromDvError(validationError([{ field: 'content-type', message: 'must be application/json' }]));
  if (code.startsWith('FST_ERR_CTP_')) return fromDvError(validationError([{ field: 'body', message: 'must be a JSON document' }]));
  return { status, body: { code: status, message: error.message }, ours: false };
}
