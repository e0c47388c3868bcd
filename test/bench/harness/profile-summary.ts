// Summarizes V8 CPU profiles (node --cpu-prof) of a benchmark: where the samples fall by area
// (a package of node_modules, a file of libs/, node internals, GC, idle), by function (self time), and
// the inclusive time of the functions of libs/ (with everything they call).
// Run: node -r ./scripts/ts-register.js test/bench/harness/profile-summary.ts FILE.cpuprofile [--top 30] [--per N]
// (--per N: the profile covers N operations, e.g. 20000 requests; adds microseconds per operation by category.)
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type ProfileNode = z.infer<typeof profileSchema>['nodes'][number];

/** Where a frame's code lives: a package, a library file of ours, node internals, or V8's own pseudo-frames. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const lib = /\/(libs\/[^/]+\/src\/.+|test\/.+)$/.exec(url);
  if (lib?.[1]) return lib[1];
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

/** Buckets for reading a messaging profile, first match wins (tested against "function url:line"). */
const CATEGORIES: readonly (readonly [RegExp, string])[] = [
  [/^\(idle\) /, 'idle (waiting for I/O)'],
  [/^writeBuffer /, 'socket write (wall time: the V8 sampler also counts time descheduled after waking the peer)'],
  [/^\(garbage collector\) /, 'garbage collection'],
  [/\/zod\//, 'zod validation'],
  [/^(RequestError|TimeoutError) .*nats-core/, 'nats.js Error objects with stack traces (async traces, cancel)'],
  [/processHeaderMsgArgs|validHeaderValue|nats-core\/lib\/headers/, 'nats.js message headers (build, validate, encode, parse)'],
  [/@opentelemetry/, 'OpenTelemetry API (no SDK registered)'],
  [/@nestjs|\/rxjs\//, 'Nest + rxjs'],
  [/\/libs\/messaging\//, 'libs/messaging own code (JSON.parse/stringify are inlined here)'],
  [/\/test\/bench\//, 'benchmark code (the raw op; its JSON is inlined here)'],
  [/^(runMicrotasks|enqueueMicrotask|nextTick|\(anonymous\) :)/, 'promise and microtask machinery'],
  [/nats-core|transport-node/, 'nats.js protocol (parse, pack, publish, request bookkeeping)'],
  [/node:|^(encodeUtf8String|decodeUTF8|dispatch|\(program\)|writeUtf8String) /, 'node internals (TextEncoder/Decoder, streams, buffers)'],
];

function categoryOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName} ${url}:${lineNumber + 1}`;
  return CATEGORIES.find(([pattern]) => pattern.test(key))?.[1] ?? 'other';
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${areaOf(url, functionName)}:${lineNumber + 1}`;
}

function table(title: string, totals: Map<string, number>, all: number, top: number): string {
  const rows = [...totals.entries()]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  return [`## ${title}`, ...rows.map(([k, us]) => `${((100 * us) / all).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`)].join('\n');
}

export function summarize(text: string, top: number, operations: number | undefined): string {
  const profile = profileSchema.parse(JSON.parse(text));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfByFn = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const inclusiveOurs = new Map<string, number>();
  const byCategory = new Map<string, number>();
  let total = 0;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    total += dt;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    if (area !== '(idle)') busy += dt;
    selfByArea.set(area, (selfByArea.get(area) ?? 0) + dt);
    selfByFn.set(label(node), (selfByFn.get(label(node)) ?? 0) + dt);
    byCategory.set(categoryOf(node), (byCategory.get(categoryOf(node)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame || !/\/libs\//.test(frame.callFrame.url)) continue;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusiveOurs.set(key, (inclusiveOurs.get(key) ?? 0) + dt);
    }
  });
  const perOp =
    operations === undefined
      ? []
      : [
          [
            `## microseconds per operation by category (${operations} operations)`,
            ...[...byCategory.entries()].sort((a, b) => b[1] - a[1]).map(([k, us]) => `${(us / operations).toFixed(1).padStart(6)} us  ${k}`),
          ].join('\n'),
        ];
  return [
    `profile: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s not idle (percentages below are of the non-idle time)`,
    ...perOp,
    table('self time by area', selfByArea, busy, top),
    table('self time by function', selfByFn, busy, top),
    table('inclusive time of libs/ functions', inclusiveOurs, busy, top),
  ].join('\n\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name: string): number | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : undefined;
  };
  const optionValueAt = new Set(
    ['--top', '--per']
      .map((o) => args.indexOf(o))
      .filter((i) => i >= 0)
      .flatMap((i) => [i, i + 1]),
  );
  const files = args.filter((_a, i) => !optionValueAt.has(i));
  for (const file of files) process.stdout.write(`# ${file}\n${summarize(readFileSync(file, 'utf8'), option('--top') ?? 30, option('--per'))}\n\n`);
}
