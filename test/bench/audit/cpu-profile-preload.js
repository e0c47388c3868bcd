// Node refuses --cpu-prof in NODE_OPTIONS, so the audit benchmark profiles the service process with
// this preload instead: BENCH_PROFILE_DIR=dir and
// BENCH_CHILD_NODE_OPTIONS="--require ./test/bench/audit/cpu-profile-preload.js". Sampling starts on
// SIGWINCH (the benchmark sends it once the service is ready, so start-up is left out) and stops at
// SIGTERM or exit, writing <dir>/audit-<pid>.cpuprofile. (The service dies of a re-raised SIGTERM,
// so 'exit' alone is not enough.) Not SIGUSR2: Nest's enableShutdownHooks() takes SIGUSR2 as a
// shutdown signal, so the service would stop consuming and then hang, its re-raised SIGUSR2 caught here.
'use strict';
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const dir = resolve(process.env.BENCH_PROFILE_DIR || 'tmp/bench-prof');
const session = new Session();
let state = 'idle';
process.on('SIGWINCH', () => {
  if (state !== 'idle') return;
  state = 'sampling';
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 250 });
  session.post('Profiler.start');
});
function write() {
  if (state !== 'sampling') return;
  state = 'written';
  // The in-thread session answers synchronously, so the profile is written before the process ends.
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `audit-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
}
process.on('exit', write);
process.on('SIGTERM', function onTerm() {
  write();
  // The service's own handlers (registered after this one) carry on with the graceful stop.
  process.removeListener('SIGTERM', onTerm);
});
