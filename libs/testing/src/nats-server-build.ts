import { tmpdir } from 'node:os';
import { type CachedBuild } from './cached-build';
import { runGo } from './run-go';
import { NATS_SERVER_VERSION } from './server-versions';

/** nats-server, installed from the Go module proxy. */
export function natsServerBuild(version = NATS_SERVER_VERSION): CachedBuild {
  return {
    key: `nats-server-${version}`,
    what: `nats-server ${version}`,
    binaries: ['nats-server'],
    build: async (binDir, logPath) => {
      await runGo(['install', '-trimpath', '-ldflags=-s -w', `github.com/nats-io/nats-server/v2@${version}`], {
        cwd: tmpdir(),
        logPath,
        env: { GOBIN: binDir },
      });
    },
  };
}
