import { DvError } from '@dv/contracts';
import { toErrorBody } from './to-error-body';

function named(name: string, message = 'x', extra: Record<string, unknown> = {}): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, extra);
}

describe('toErrorBody', () => {
  it('keeps a DvError as it is', () => {
    expect(toErrorBody(DvError.notFound('nope'), 'r1')).toEqual({ code: 'NOT_FOUND', message: 'nope' });
  });

  it('answers UNAVAILABLE when the MongoDB-wire server or a socket cannot be reached, with no internal detail', () => {
    for (const error of [
      named('MongoServerSelectionError', 'connect ECONNREFUSED 127.0.0.1:1'),
      named('MongoNetworkError', 'connection 3 to 127.0.0.1:1 closed'),
      named('MongoNotConnectedError'),
      named('MongooseError', 'Operation `volumes.findOne()` buffering timed out after 10000ms'),
      named('Error', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
      new Error('outer', { cause: named('MongoPoolClearedError') }),
    ]) {
      const body = toErrorBody(error, 'r2');
      expect(body.code).toBe('UNAVAILABLE');
      expect(body.message).not.toContain('127.0.0.1');
      expect(body.message).not.toContain('findOne');
    }
  });

  it('answers INTERNAL with only the request id for anything else', () => {
    expect(toErrorBody(new RangeError('Maximum call stack size exceeded'), 'r3')).toEqual({
      code: 'INTERNAL',
      message: 'internal error; see the logs for request r3',
      details: { requestId: 'r3' },
    });
    expect(toErrorBody(named('MongooseError', 'Cast to ObjectId failed'), 'r4').code).toBe('INTERNAL');
  });
});
