#!/usr/bin/env node
import { runCli } from './cli';

// stdout may close early (`dv datavolume list | head`): stop quietly, as a command line should.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

void runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTty: process.stderr.isTTY,
}).then((code) => {
  process.exitCode = code;
});
