import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { failpointEnv } from './failpoints';

const schema = z.object({ X_FAILPOINT: failpointEnv(['crash-after-a', 'crash-after-b'] as const) });

describe('failpoints', () => {
  it('reads its environment variable: a listed point, none by default, anything else refused', () => {
    expect(schema.parse({}).X_FAILPOINT).toBe('none');
    expect(schema.parse({ X_FAILPOINT: 'crash-after-b' }).X_FAILPOINT).toBe('crash-after-b');
    expect(schema.safeParse({ X_FAILPOINT: 'crash-after-c' }).success).toBe(false);
  });

  it('kills the process at the armed point only, as SIGKILL does', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const run = (armed: string): ReturnType<typeof spawnSync> =>
      spawnSync(
        process.execPath,
        [
          '-r',
          join(root, 'scripts', 'ts-register.js'),
          '-e',
          `const { Failpoints } = require(${JSON.stringify(join(__dirname, 'failpoints'))}); const f = new Failpoints(${JSON.stringify(armed)}); f.hit('a'); console.log('after a'); f.hit('b'); console.log('after b');`,
        ],
        { cwd: root, encoding: 'utf8', timeout: 60_000 },
      );
    const armedAtB = run('b');
    expect(armedAtB.signal).toBe('SIGKILL');
    expect(armedAtB.stdout).toContain('after a\n');
    expect(armedAtB.stdout).toContain('failpoint b: killing the process');
    expect(armedAtB.stdout).not.toContain('after b');
    const unarmed = run('none');
    expect(unarmed.status).toBe(0);
    expect(unarmed.stdout).toContain('after a\nafter b\n');
    expect(unarmed.stdout).not.toContain('failpoint');
  });
});
