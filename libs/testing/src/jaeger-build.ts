import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CachedBuild } from './cached-build';
import { runGo } from './run-go';
import { JAEGER_VERSION } from './server-versions';

/**
 * Jaeger (all-in-one, `cmd/jaeger`: the OpenTelemetry-collector based v2 binary, whose Go module tags are v1.x)
 * from the Go module proxy. Built from a throw-away module that requires it as a tool (`go get -tool`), so the
 * versions Jaeger's own go.mod pins are the ones resolved; `go install …@version` would refuse any replace.
 */
export function jaegerBuild(version = JAEGER_VERSION): CachedBuild {
  return {
    key: `jaeger-${version}`,
    what: `Jaeger ${version}`,
    binaries: ['jaeger'],
    build: async (binDir, logPath) => {
      const work = await mkdtemp(join(tmpdir(), 'dv-jaeger-mod-'));
      try {
        await runGo(['mod', 'init', 'dv.local/jaeger-build'], { cwd: work, logPath });
        await runGo(['get', '-tool', `github.com/jaegertracing/jaeger/cmd/jaeger@${version}`], { cwd: work, logPath });
        await runGo(['build', '-trimpath', '-ldflags=-s -w', '-o', join(binDir, 'jaeger'), 'github.com/jaegertracing/jaeger/cmd/jaeger'], {
          cwd: work,
          logPath,
        });
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}
