import { intArg, parseFlags, scopeArg } from './args';
import { EXIT } from './cli-error';

describe('arguments', () => {
  const flags = { project: { type: 'string', short: 'p' }, all: { type: 'boolean', short: 'A' }, filter: { type: 'string', multiple: true } } as const;

  it('parses flags and positionals', () => {
    expect(parseFlags(['x', '-p', 'p1', '--filter', 'a==1', '--filter', 'b==2'], flags, { min: 1, max: 1, names: 'x' })).toEqual({
      flags: { project: 'p1', filter: ['a==1', 'b==2'] },
      args: ['x'],
    });
  });

  it('refuses unknown flags, missing values and wrong numbers of arguments with exit 2', () => {
    for (const argv of [['--nope'], ['-p'], [], ['a', 'b']]) {
      let code: number | undefined;
      try {
        parseFlags(argv, flags, { min: 1, max: 1, names: 'x' });
      } catch (error) {
        code = (error as { exitCode?: number }).exitCode;
      }
      expect([argv, code]).toEqual([argv, EXIT.usage]);
    }
  });

  it('reads scopes and bounded integers', () => {
    expect(scopeArg('department:dept-vision', '--scope')).toEqual({ scopeType: 'department', scopeId: 'dept-vision' });
    expect(() => scopeArg('dept-vision', '--scope')).toThrow('expected <scopeType>:<scopeId>');
    expect(() => scopeArg('project:', '--scope')).toThrow('expected <scopeType>:<scopeId>');
    expect(intArg('20', '--limit', { min: 1, max: 500 })).toBe(20);
    expect(intArg(undefined, '--limit', { min: 1, max: 500 })).toBeUndefined();
    for (const bad of ['0', '501', '-1', '1e2', 'ten'])
      expect(() => intArg(bad, '--limit', { min: 1, max: 500 })).toThrow('--limit must be an integer from 1 to 500');
  });
});
