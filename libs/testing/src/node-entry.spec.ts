import { join } from 'node:path';
import { nodeEntryArgs, serviceModeFromEnv } from './node-entry';
import { repoRoot } from './repo-root';

describe('serviceModeFromEnv', () => {
  it('is ts unless DV_SERVICE_MODE says dist, and names a bad value', () => {
    expect(serviceModeFromEnv({})).toBe('ts');
    expect(serviceModeFromEnv({ DV_SERVICE_MODE: '' })).toBe('ts');
    expect(serviceModeFromEnv({ DV_SERVICE_MODE: 'ts' })).toBe('ts');
    expect(serviceModeFromEnv({ DV_SERVICE_MODE: 'dist' })).toBe('dist');
    expect(() => serviceModeFromEnv({ DV_SERVICE_MODE: 'js' })).toThrow('DV_SERVICE_MODE must be "ts" or "dist", not "js"');
  });
});

describe('nodeEntryArgs', () => {
  it('runs the TypeScript through scripts/ts-register.js in ts mode', () => {
    const root = repoRoot();
    expect(nodeEntryArgs('services/audit', 'cli/export-audit.ts', 'ts')).toEqual([
      '-r',
      join(root, 'scripts/ts-register.js'),
      join(root, 'services/audit/src/cli/export-audit.ts'),
    ]);
  });

  it('names a missing build in dist mode instead of falling back to the TypeScript', () => {
    expect(() => nodeEntryArgs('services/no-such-service', 'main.ts', 'dist')).toThrow(
      `${join(repoRoot(), 'dist/services/no-such-service/main.js')} does not exist: build it first (npx nx build no-such-service)`,
    );
  });
});
