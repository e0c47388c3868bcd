import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { intArg } from '../core/args';
import { ApiClient } from '../core/api-client';
import { CliError, EXIT } from '../core/cli-error';
import { type CommandContext, type CommandGroup, OUTPUT_FLAGS, defineCommand } from '../core/command';
import { type Column, outputFormat, parseColumns, render, table } from '../core/output';

const LOG = '/api/v1/audit/log';
const PAGE = 1000;

const RECORD_COLUMNS: readonly Column[] = [
  { header: 'TIME', path: 'timestamp' },
  { header: 'SUBJECT', path: 'subject' },
  { header: 'ACTION', path: 'action' },
  { header: 'ENTITY', path: 'entity_type' },
  { header: 'NAME', path: 'entity_name' },
  { header: 'RESULT', path: 'result' },
  { header: 'STATUS', path: 'http_status_code' },
];

/** `--from`/`--to`: ISO 8601, or a duration back from now (`90m`, `24h`, `7d`). */
export function timeArg(value: string | undefined, flag: string, now: number): string | undefined {
  if (value === undefined) return undefined;
  const ago = /^(\d{1,6})([smhd])$/.exec(value);
  if (ago) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now - Number(ago[1]) * unit).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(Date.parse(value)))
    throw CliError.usage(`${flag} ${value}: an ISO 8601 time (2026-12-06T10:00:00Z) or a duration ago (90m, 24h, 7d)`);
  return new Date(value).toISOString();
}

function range(flags: { from?: string; to?: string }): { start: string; end: string } {
  const now = Date.now();
  const start = timeArg(flags.from, '--from', now);
  if (start === undefined) throw CliError.usage('--from is required (the audit log is read by time range), e.g. --from 24h');
  return { start, end: timeArg(flags.to, '--to', now) ?? new Date(now).toISOString() };
}

const RANGE_FLAGS = { from: { type: 'string' }, to: { type: 'string' }, filter: { type: 'string', multiple: true } } as const;

const query = defineCommand({
  name: 'query',
  summary: 'Audit records of a time range',
  usage: '--from <time|24h> [--to <time>] [--filter <field><op><value>]... [--sort-by <field>] [--order asc|desc] [--limit <n>] [-o table|json|yaml]',
  flags: { ...OUTPUT_FLAGS, ...RANGE_FLAGS, 'sort-by': { type: 'string' }, order: { type: 'string' }, limit: { type: 'string' } },
  positionals: { min: 0, max: 0, names: '' },
  async run({ flags }, ctx) {
    const limit = intArg(flags.limit, '--limit', { min: 1, max: 1_000_000 }) ?? 100;
    if (flags.order !== undefined && flags.order !== 'asc' && flags.order !== 'desc') throw CliError.usage('--order must be asc or desc');
    const api = await ApiClient.open(ctx.env);
    const records: unknown[] = [];
    let offset: number | undefined = 0;
    let total = 0;
    while (offset !== undefined && records.length < limit) {
      const page: { total?: number; next?: number | null; audit_logs?: unknown[] } = await api.json('GET', LOG, {
        query: {
          ...range(flags),
          filterBy: flags.filter,
          sortBy: flags['sort-by'],
          sortOrder: flags.order,
          offset,
          numberOfSamples: Math.min(PAGE, limit - records.length),
        },
      });
      records.push(...(page.audit_logs ?? []));
      total = page.total ?? records.length;
      offset = typeof page.next === 'number' && (page.audit_logs ?? []).length > 0 ? page.next : undefined;
    }
    const format = outputFormat(flags);
    if (format === 'table') ctx.out(table(records, parseColumns(flags.columns, RECORD_COLUMNS), { headers: flags['no-headers'] !== true }));
    else ctx.out(render({ total, audit_logs: records }, format));
  },
});

/** Progress on stderr while a download runs: bytes and rate, one line redrawn on a terminal, a line every 5 s otherwise. */
function progress(ctx: CommandContext): { add(bytes: number): void; done(): void } {
  const started = Date.now();
  let bytes = 0;
  let shown = 0;
  const line = (): string => `${(bytes / 1_048_576).toFixed(1)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  return {
    add(n) {
      bytes += n;
      const now = Date.now();
      if (now - shown < (ctx.errIsTty ? 200 : 5000)) return;
      shown = now;
      ctx.err(ctx.errIsTty ? `\r${line()}` : `${line()}\n`);
    },
    done() {
      ctx.err(`${ctx.errIsTty ? '\r' : ''}${line()}, done\n`);
    },
  };
}

const exportCommand = defineCommand({
  name: 'export',
  summary: 'Download the records of a time range (any size) as CSV or JSON',
  usage: '--from <time|24h> [--to <time>] [--filter ...] [--format csv|json] [-f <file>] (stdout without -f)',
  flags: { ...RANGE_FLAGS, format: { type: 'string' }, file: { type: 'string', short: 'f' }, quiet: { type: 'boolean', short: 'q' } },
  positionals: { min: 0, max: 0, names: '' },
  async run({ flags }, ctx) {
    const format = (flags.format ?? 'csv').toLowerCase();
    if (format !== 'csv' && format !== 'json') throw CliError.usage('--format must be csv or json');
    const api = await ApiClient.open(ctx.env);
    const response = await api.send('GET', `${LOG}/file`, { query: { ...range(flags), filterBy: flags.filter, file_type: format.toUpperCase() } });
    if (response.body === null) throw new CliError('the export answered without a body', EXIT.failed);
    const meter = flags.quiet === true || flags.file === undefined ? undefined : progress(ctx);
    const source = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    if (meter !== undefined) source.on('data', (chunk: Buffer) => meter.add(chunk.length));
    if (flags.file === undefined) {
      for await (const chunk of source) ctx.out((chunk as Buffer).toString('utf8'));
      return;
    }
    // Written beside the target and renamed at the end: an interrupted export leaves no half file under the name asked for.
    const partial = `${flags.file}.partial`;
    try {
      await pipeline(source, createWriteStream(partial, { mode: 0o600 }));
      await rename(partial, flags.file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error instanceof CliError ? error : new CliError(`the export stopped: ${error instanceof Error ? error.message : String(error)}`, EXIT.unavailable);
    }
    meter?.done();
  },
});

const verify = defineCommand({
  name: 'verify',
  summary: 'Recompute the audit hash chain; exit 1 and name the first bad record if it does not hold',
  usage: '[-o json|yaml]',
  flags: { output: { type: 'string', short: 'o' }, json: { type: 'boolean' }, yaml: { type: 'boolean' } },
  positionals: { min: 0, max: 0, names: '' },
  async run({ flags }, ctx) {
    const api = await ApiClient.open(ctx.env);
    const result = await api.json<{
      ok: boolean;
      checked?: number;
      fromSeq?: number;
      toSeq?: number;
      firstBad?: { seq: number; problem: string; message: string };
    }>('GET', '/api/dv/v1/audit/verify');
    const format = outputFormat(flags);
    if (format !== 'table') ctx.out(render(result, format));
    else if (result.ok) ctx.out(`the chain holds: ${result.checked ?? 0} records checked (seq ${result.fromSeq ?? 0}..${result.toSeq ?? 0})\n`);
    else ctx.out(`the chain is broken at seq ${result.firstBad?.seq ?? '?'} (${result.firstBad?.problem ?? '?'}): ${result.firstBad?.message ?? ''}\n`);
    if (!result.ok) throw new CliError('', EXIT.failed);
  },
});

export const AUDIT: CommandGroup = { name: 'audit', summary: 'The audit log: query, export, verify', commands: [query, exportCommand, verify] };
