import { connectNats, drainNats, ensureStreams } from '@dv/messaging';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Decision 0035: a graceful stop is bounded. A service whose stop hangs (here a destroy hook that never
 * ends) logs the step it gave up on and exits 1 after SERVICE_STOP_TIMEOUT_MS, instead of living on
 * until a SIGKILL that says nothing; one that stops normally exits 0 and logs how long each step took.
 */
describe('the stop deadline of runService (real nats-server and MongoDB)', () => {
  beforeAll(async () => {
    // The bed's open nats-server: the streams a service waits for at start.
    const nc = await connectNats({ url: requireEnv('NATS_URL'), name: 'stop-deadline-test' });
    await ensureStreams(nc);
    await drainNats(nc);
  });

  async function runAndStop(hang: boolean): Promise<{ code: number | null; signal: string | null; ms: number; out: string }> {
    const root = join(__dirname, '..', '..', '..');
    const child: ChildProcess = spawn(process.execPath, ['-r', join(root, 'scripts/ts-register.js'), join(__dirname, 'fixtures/stop-fixture-service.ts')], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        NATS_URL: requireEnv('NATS_URL'),
        MONGO_URL: requireEnv('MONGO_URL'),
        HEALTH_PORT: '0',
        SERVICE_STOP_TIMEOUT_MS: '1500',
        STOP_FIXTURE_HANG: hang ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 60_000;
    while (!out.includes('"msg":"service ready"')) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`the fixture did not get ready:\n${out.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const started = Date.now();
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const { code, signal } = await exited;
    clearTimeout(killer);
    return { code, signal, ms: Date.now() - started, out };
  }

  it('a stop that hangs gives up after SERVICE_STOP_TIMEOUT_MS, names the step it waited for, and exits 1', async () => {
    const { code, signal, ms, out } = await runAndStop(true);
    expect({ code, signal }).toEqual({ code: 1, signal: null });
    expect(ms).toBeGreaterThanOrEqual(1500);
    expect(ms).toBeLessThan(10_000);
    const gaveUp = out.split('\n').find((line) => line.includes('"msg":"service stop gave up"'));
    expect(gaveUp).toBeDefined();
    expect(JSON.parse(gaveUp ?? '{}')).toMatchObject({ level: 'error', timeoutMs: 1500, pending: 'requests and events' });
  }, 90_000);

  it('a stop that does not hang exits 0 and logs the time of each step', async () => {
    const { code, signal, out } = await runAndStop(false);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const stopped = out.split('\n').find((line) => line.includes('"msg":"service stopped"'));
    const fields = JSON.parse(stopped ?? '{}') as { stopMs?: number; stepsMs?: Record<string, number> };
    expect(Object.keys(fields.stepsMs ?? {})).toEqual(['requests and events', 'nats drain', 'mongodb close', 'health close', 'spans flush']);
    expect(fields.stopMs).toBeLessThan(1500);
    expect(out).not.toContain('service stop gave up');
  }, 90_000);
});

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through the workspace jest config, which starts the test bed`);
  return value;
}
