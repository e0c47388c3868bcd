// CLI entry: `node -r ./scripts/ts-register.js tools/platform-publisher/src/main.ts --help`.
import { runCli } from './cli/run-cli';

runCli(process.argv.slice(2), process.env, { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) })
  .then((code) => {
    // Exit now: kube client keep-alive sockets would hold the process a while for nothing.
    process.exit(code);
  })
  .catch((error: unknown) => {
    process.stderr.write(`platform-publisher: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
