import { DvError } from '@dv/contracts';
import { isTransientError } from './transient-error';

function named(name: string, message = 'x'): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe('isTransientError', () => {
  it('retries what passes by itself: UNAVAILABLE, servers away, sockets refused', () => {
    expect(isTransientError(DvError.unavailable('this replica has not reached revision {"events":9}'))).toBe(true);
    expect(isTransientError(named('TimeoutError'))).toBe(true);
    expect(isTransientError(named('NoRespondersError'))).toBe(true);
    expect(isTransientError(named('MongoServerSelectionError'))).toBe(true);
    expect(isTransientError(named('MongoNetworkError'))).toBe(true);
    expect(isTransientError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(new Error('request failed', { cause: named('TimeoutError') }))).toBe(true);
  });

  it("dead-letters the event's own failures and bugs after the allowed deliveries", () => {
    expect(isTransientError(DvError.validation('bad'))).toBe(false);
    expect(isTransientError(DvError.precondition('no'))).toBe(false);
    expect(isTransientError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientError(new Error('database says no'))).toBe(false);
    expect(isTransientError(named('MongoServerError'))).toBe(false);
    expect(isTransientError('a string')).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });

  it('decides by the outermost typed error of a cause chain', () => {
    expect(isTransientError(new Error('wrapped', { cause: DvError.unavailable('later') }))).toBe(true);
    expect(isTransientError(new Error('wrapped', { cause: Object.assign(DvError.validation('bad'), { cause: named('TimeoutError') }) }))).toBe(false);
  });
});
