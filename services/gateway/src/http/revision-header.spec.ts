import { DvError } from '@dv/contracts';
import { atLeastOf } from './revision-header';

function refusal(header: string | string[]): DvError {
  try {
    atLeastOf({ headers: { 'x-dv-at-least': header } });
  } catch (error) {
    if (error instanceof DvError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('atLeastOf (X-DV-At-Least)', () => {
  it('is nothing without the header, the revision with it', () => {
    expect(atLeastOf({ headers: {} })).toEqual({});
    expect(atLeastOf({ headers: { 'x-dv-at-least': '{"events":12}' } })).toEqual({ atLeast: { events: 12 } });
    expect(atLeastOf({ headers: { 'x-dv-at-least': '{"events":3,"platform":0}' } })).toEqual({ atLeast: { events: 3, platform: 0 } });
  });

  it.each([
    ['not JSON', 'events=12'],
    ['a negative sequence', '{"events":-1}'],
    ['a fraction', '{"events":1.5}'],
    ['an unknown key', '{"event":12}'],
    ['not an object', '12'],
    ['too long', `{"events":1${' '.repeat(300)}}`],
    ['repeated', ['{"events":1}', '{"events":2}']],
  ])('refuses %s with VALIDATION_FAILED naming the header', (_what, header) => {
    const error = refusal(header);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^X-DV-At-Least: /);
    expect(error.details).toEqual({ issues: [{ field: 'X-DV-At-Least', message: expect.any(String) }] });
  });
});
