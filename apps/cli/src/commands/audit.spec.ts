import { timeArg } from './audit';

describe('audit time arguments', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');

  it('takes ISO 8601 times and durations back from now', () => {
    expect(timeArg('24h', '--from', now)).toBe('2026-12-05T12:00:00.000Z');
    expect(timeArg('90m', '--from', now)).toBe('2026-12-06T10:30:00.000Z');
    expect(timeArg('7d', '--from', now)).toBe('2026-11-29T12:00:00.000Z');
    expect(timeArg('2026-12-01T08:00:00+01:00', '--from', now)).toBe('2026-12-01T07:00:00.000Z');
    expect(timeArg(undefined, '--to', now)).toBeUndefined();
  });

  it('refuses anything else by name', () => {
    for (const bad of ['yesterday', '24', '2026-13-01', '1w']) expect(() => timeArg(bad, '--from', now)).toThrow(`--from ${bad}:`);
  });
});
