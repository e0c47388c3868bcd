// CLI entry: `node -r ./scripts/ts-register.js tools/nats-permissions/src/main.ts --out deploy/nats/nats-server.conf`.
import { runCli } from './cli';

runCli(process.argv.slice(2), process.env, { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`nats-permissions: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
