import { DvError } from '@dv/contracts';
import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { httpErrorOf } from './http-error';
import { RequestDeadlineError } from './request-deadlines';

class FastifyLikeError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
  ) {
    super(code);
  }
}

describe('httpErrorOf', () => {
  it('answers a DvError with its HTTP status as code, its message and details', () => {
    expect(httpErrorOf(DvError.validation('limit: too big', { issues: [{ field: 'limit', message: 'too big' }] }))).toEqual({
      status: 400,
      body: { code: 400, message: 'limit: too big', details: { issues: [{ field: 'limit', message: 'too big' }] } },
      ours: false,
    });
    expect(httpErrorOf(DvError.notFound('no such volume')).body).toEqual({ code: 404, message: 'no such volume' });
    expect(httpErrorOf(DvError.conflict('Resource with this name already exists')).status).toBe(409);
    expect(httpErrorOf(DvError.forbidden('no')).status).toBe(403);
  });

  it('says nothing of which token check failed, and nothing of internals', () => {
    expect(httpErrorOf(new DvError('UNAUTHENTICATED', 'expired at 12:00', { kid: 'k1' })).body).toEqual({
      code: 401,
      message: 'Missing or invalid bearer token.',
    });
    expect(httpErrorOf(new DvError('INTERNAL', 'reply on dv.volume.get failed its schema'))).toEqual({
      status: 500,
      body: { code: 500, message: 'Internal error.' },
      ours: true,
    });
    expect(httpErrorOf(DvError.unavailable('no service answers dv.volume.get', { subject: 'dv.volume.get' })).body).toEqual({
      code: 503,
      message: 'Please try again in few minutes.',
    });
    expect(httpErrorOf(new TypeError('x is undefined')).body).toEqual({ code: 500, message: 'Internal error.' });
  });

  it("maps Nest's and Fastify's client errors to the same body, never 5xx", () => {
    expect(httpErrorOf(new NotFoundException('Cannot GET /nope')).body).toEqual({ code: 404, message: 'Cannot GET /nope' });
    expect(httpErrorOf(new BadRequestException("Body is not valid JSON but content-type is set to 'application/json'")).body).toMatchObject({
      code: 400,
      details: { issues: [{ field: 'body' }] },
    });
    expect(httpErrorOf(new FastifyLikeError('FST_ERR_CTP_INVALID_JSON', 400)).body).toMatchObject({
      code: 400,
      details: { issues: [{ field: 'body', message: 'must be a JSON document' }] },
    });
    expect(httpErrorOf(new FastifyLikeError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).body).toMatchObject({
      code: 400,
      details: { issues: [{ field: 'content-type' }] },
    });
    expect(httpErrorOf(new FastifyLikeError('FST_ERR_CTP_BODY_TOO_LARGE', 413)).status).toBe(413);
  });

  it("answers a request that outlived GATEWAY_REQUEST_TIMEOUT_MS (RequestDeadlines, or Fastify's handler timeout) with the platform's 503", () => {
    const answer = { status: 503, body: { code: 503, message: 'Please try again in few minutes.' }, ours: true };
    expect(httpErrorOf(new FastifyLikeError('FST_ERR_HANDLER_TIMEOUT', 503))).toEqual(answer);
    expect(httpErrorOf(new RequestDeadlineError(1500))).toEqual(answer);
    // As Nest hands it to the filter: an HttpException of the Fastify error's status and message.
    expect(httpErrorOf(new HttpException("Request timed out after 1500 ms on route '/api/v1/datavolumes'", 503))).toEqual(answer);
  });
});
