import { EXIT, exitCodeOfStatus } from './cli-error';
import { expiryOf, queryString } from './api-client';

describe('exit codes and requests', () => {
  it('maps the API statuses to stable exit codes', () => {
    expect([400, 401, 403, 404, 409, 412, 413, 429, 500, 503].map(exitCodeOfStatus)).toEqual([
      EXIT.usage,
      EXIT.unauthenticated,
      EXIT.forbidden,
      EXIT.notFound,
      EXIT.conflict,
      EXIT.conflict,
      EXIT.usage,
      EXIT.unavailable,
      EXIT.failed,
      EXIT.unavailable,
    ]);
  });

  it('writes repeated query parameters and leaves out the absent', () => {
    expect(queryString({ requestType: 'Originated', filterBy: ['name=@a', 'phase==Ready'], search: undefined, limit: 50 })).toBe(
      '?requestType=Originated&filterBy=name%3D%40a&filterBy=phase%3D%3DReady&limit=50',
    );
    expect(queryString({})).toBe('');
  });

  it("reads a JWT's expiry without trusting anything else in it", () => {
    const payload = Buffer.from(JSON.stringify({ exp: 1_900_000_000, sub: 'x' })).toString('base64url');
    expect(expiryOf(`h.${payload}.s`)).toBe(1_900_000_000_000);
    expect(expiryOf('not-a-jwt')).toBeUndefined();
    expect(expiryOf('h.%%%.s')).toBeUndefined();
  });
});
