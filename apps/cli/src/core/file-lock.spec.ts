import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT } from './cli-error';
import { withFileLock } from './file-lock';

const lockIn = (): string => join(mkdtempSync(join(tmpdir(), 'dv-lock-')), 'config.json.lock');

describe('withFileLock', () => {
  it('runs holders one at a time, and frees the lock after a failure too', async () => {
    const path = lockIn();
    const events: string[] = [];
    const holder = (name: string) =>
      withFileLock(path, async () => {
        events.push(`${name} in`);
        await sleep(30);
        events.push(`${name} out`);
        return name;
      });
    expect(await Promise.all([holder('a'), holder('b'), holder('c')])).toEqual(['a', 'b', 'c']);
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]?.replace(' in', ' out'));
    await expect(withFileLock(path, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withFileLock(path, () => Promise.resolve('free'), { timeoutMs: 100 })).toBe('free');
  });

  it('takes over a lock left by a dv that died, and gives up on a live one after the timeout (exit 1)', async () => {
    const path = lockIn();
    writeFileSync(path, '12345\n');
    utimesSync(path, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    expect(await withFileLock(path, () => Promise.resolve('taken'), { staleMs: 60_000 })).toBe('taken');
    writeFileSync(path, '12345\n');
    await expect(withFileLock(path, () => Promise.resolve('never'), { timeoutMs: 100 })).rejects.toMatchObject({ exitCode: EXIT.failed });
  });
});
