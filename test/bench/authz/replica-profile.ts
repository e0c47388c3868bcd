// Preloaded into the authz replicas when BENCH_AUTHZ_REPLICA_PROFILE_DIR is set (NODE_OPTIONS --require;
// node's own --cpu-prof is not allowed in NODE_OPTIONS). Samples the process with the V8 profiler:
// a first SIGWINCH (ignored by default, and not one of the signals Nest's shutdown hooks stop on) drops what was sampled so far (start-up, seeding) and starts afresh, a second one
// writes <dir>/authz-<pid>.cpuprofile (authz-nats.bench.ts sends them around its first measured round
// of checks). Without the signals the profile covers the whole life and is written on SIGTERM (a
// replica's graceful stop ends in a re-raised SIGTERM, so there may be no 'exit' event) or exit.
// Summarize with test/bench/harness/profile-summary.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env['BENCH_AUTHZ_REPLICA_PROFILE_DIR'];
if (dir) {
  // The same-thread inspector session answers synchronously: each post completes before returning.
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  let written = false;
  let restarted = false;
  const write = (): void => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `authz-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('SIGWINCH', () => {
    if (restarted) return write();
    restarted = true;
    session.post('Profiler.stop');
    session.post('Profiler.start');
  });
  // `once`: after this, SIGTERM is handled by the service alone, exactly as without profiling.
  process.once('SIGTERM', write);
  process.on('exit', write);
}
