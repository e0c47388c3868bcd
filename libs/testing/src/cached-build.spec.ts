import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CachedBuild, ensureCachedBuild } from './cached-build';
import { silentProgressLog } from './progress-log';

function fakeBuild(key: string, onBuild: () => void): CachedBuild {
  return {
    key,
    what: `fake ${key}`,
    binaries: ['tool'],
    build: async (binDir) => {
      onBuild();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writeFile(join(binDir, 'tool'), '#!/bin/sh\n');
      await chmod(join(binDir, 'tool'), 0o755);
    },
  };
}

describe('ensureCachedBuild', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dv-cached-build-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds once for concurrent callers and reuses the cache afterwards', async () => {
    let builds = 0;
    const spec = fakeBuild('tool-v1', () => builds++);
    const dirs = await Promise.all([ensureCachedBuild(spec, root, silentProgressLog), ensureCachedBuild(spec, root, silentProgressLog)]);
    await ensureCachedBuild(spec, root, silentProgressLog);

    expect(builds).toBe(1);
    expect(dirs).toEqual([join(root, 'tool-v1', 'bin'), join(root, 'tool-v1', 'bin')]);
  });

  it('builds a new version into its own folder', async () => {
    let builds = 0;
    await ensureCachedBuild(
      fakeBuild('tool-v1', () => builds++),
      root,
      silentProgressLog,
    );
    await ensureCachedBuild(
      fakeBuild('tool-v2', () => builds++),
      root,
      silentProgressLog,
    );

    expect(builds).toBe(2);
  });

  it('takes over a lock whose holder is dead', async () => {
    await writeFile(join(root, 'tool-v1.lock'), `999999999\n${(await import('node:os')).hostname()}\n`);
    let builds = 0;
    await ensureCachedBuild(
      fakeBuild('tool-v1', () => builds++),
      root,
      silentProgressLog,
    );

    expect(builds).toBe(1);
    await expect(readFile(join(root, 'tool-v1.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves nothing behind when the build fails', async () => {
    const failing: CachedBuild = { key: 'broken-v1', what: 'broken', binaries: ['tool'], build: () => Promise.reject(new Error('compiler exploded')) };

    await expect(ensureCachedBuild(failing, root, silentProgressLog)).rejects.toThrow('compiler exploded');
    await expect(
      ensureCachedBuild(
        fakeBuild('broken-v1', () => undefined),
        root,
        silentProgressLog,
      ),
    ).resolves.toBe(join(root, 'broken-v1', 'bin'));
  });
});
