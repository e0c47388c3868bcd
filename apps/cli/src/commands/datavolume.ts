import { intArg, scopeArg } from '../core/args';
import { ApiClient } from '../core/api-client';
import { CliError, EXIT } from '../core/cli-error';
import { type Command, type CommandContext, type CommandGroup, OUTPUT_FLAGS, defineCommand } from '../core/command';
import { type Column, outputFormat, parseColumns, render, table, valueAt } from '../core/output';

const BASE = '/api/v1/datavolumes';
/** The API's largest page. */
const PAGE = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const VOLUME_COLUMNS: readonly Column[] = [
  { header: 'NAME', path: 'name' },
  { header: 'ID', path: 'id' },
  { header: 'PROJECT', path: 'projectName' },
  { header: 'CLUSTER', path: 'clusterId' },
  { header: 'PHASE', path: 'status.phase' },
  { header: 'CREATED BY', path: 'createdBy' },
  { header: 'CREATED', path: 'createdAt' },
];

interface Volume {
  id: string;
  name: string;
  sharedScopes?: { scopeType: string; scopeId: string; scopeName?: string; createdAt?: string; createdBy?: string }[];
  [field: string]: unknown;
}

function printRows(
  ctx: CommandContext,
  rows: readonly unknown[],
  flags: { output?: string; json?: boolean; yaml?: boolean; table?: boolean; columns?: string; 'no-headers'?: boolean },
  whole: unknown,
  columns: readonly Column[],
): void {
  const format = outputFormat(flags);
  if (format === 'table') ctx.out(table(rows, parseColumns(flags.columns, columns), { headers: flags['no-headers'] !== true }));
  else ctx.out(render(whole, format));
}

/** A volume named by id, or by name (the one the caller can see among Originated volumes). */
async function resolveVolume(api: ApiClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const page = await api.json<{ datavolumes: Volume[] }>('GET', BASE, { query: { requestType: 'Originated', filterBy: [`name==${ref}`], limit: 2 } });
  const [first, second] = page.datavolumes;
  if (first === undefined) throw new CliError(`no data volume named ${ref} that you may see`, EXIT.notFound);
  if (second !== undefined) throw CliError.usage(`more than one data volume is named ${ref} (in different clusters): give its id`);
  return first.id;
}

const list = defineCommand({
  name: 'list',
  summary: 'List data volumes: usable in a project (-p) or all you may see (-A)',
  usage:
    '[-p <project> | -A] [--filter <field><op><value>]... [--search <text>] [--sort-by <field>] [--order asc|desc] [--limit <n>] [-o table|json|yaml] [--columns a,b] [--no-headers]',
  flags: {
    ...OUTPUT_FLAGS,
    project: { type: 'string', short: 'p' },
    'all-projects': { type: 'boolean', short: 'A' },
    filter: { type: 'string', multiple: true },
    search: { type: 'string' },
    'sort-by': { type: 'string' },
    order: { type: 'string' },
    limit: { type: 'string' },
  },
  positionals: { min: 0, max: 0, names: '' },
  async run({ flags }, ctx) {
    if (flags.project !== undefined && flags['all-projects'] === true) throw CliError.usage('-p and -A exclude each other');
    if (flags.order !== undefined && flags.order !== 'asc' && flags.order !== 'desc') throw CliError.usage('--order must be asc or desc');
    const limit = intArg(flags.limit, '--limit', { min: 1, max: 1_000_000 });
    const api = await ApiClient.open(ctx.env);
    const project = flags['all-projects'] === true ? undefined : (flags.project ?? api.project);
    const volumes: Volume[] = [];
    let offset: number | undefined = 0;
    while (offset !== undefined && (limit === undefined || volumes.length < limit)) {
      const page: { next?: number; datavolumes: Volume[] } = await api.json('GET', BASE, {
        query: {
          requestType: project === undefined ? 'Originated' : 'UsableInProject',
          usableInProjectId: project,
          filterBy: flags.filter,
          search: flags.search,
          sortBy: flags['sort-by'],
          sortOrder: flags.order,
          offset,
          limit: Math.min(PAGE, limit === undefined ? PAGE : limit - volumes.length),
        },
      });
      volumes.push(...page.datavolumes);
      offset = page.next;
    }
    printRows(ctx, volumes, flags, volumes, VOLUME_COLUMNS);
  },
});

const get = defineCommand({
  name: 'get',
  summary: 'One data volume, by id or name',
  usage: '<id|name> [-o table|json|yaml] [--columns a,b] [--no-headers]',
  flags: { ...OUTPUT_FLAGS },
  positionals: { min: 1, max: 1, names: 'the volume (id or name)' },
  async run({ flags, args }, ctx) {
    const api = await ApiClient.open(ctx.env);
    const volume = await api.json<Volume>('GET', `${BASE}/${await resolveVolume(api, args[0] ?? '')}`);
    printRows(ctx, [volume], flags, volume, VOLUME_COLUMNS);
  },
});

const describe = defineCommand({
  name: 'describe',
  summary: 'A data volume in full: status, conditions, where it is shared, which workloads use it',
  usage: '<id|name>',
  flags: {},
  positionals: { min: 1, max: 1, names: 'the volume (id or name)' },
  async run({ args }, ctx) {
    const api = await ApiClient.open(ctx.env);
    const id = await resolveVolume(api, args[0] ?? '');
    const v = await api.json<Volume>('GET', `${BASE}/${id}`);
    const usage = await api
      .json<{ workloads?: { kind?: string; namespace?: string; name?: string }[] }>('GET', `/api/dv/v1/datavolumes/${id}/usage`)
      .catch((error: unknown) => {
        // Only data volume administrators may see usage: the rest of the description stands without it.
        if (error instanceof CliError && (error.exitCode === EXIT.forbidden || error.exitCode === EXIT.notFound)) return undefined;
        throw error;
      });
    const field = (label: string, value: unknown): string =>
      `${`${label}:`.padEnd(14)}${value === undefined || value === null || value === '' ? '<none>' : String(value)}\n`;
    let text =
      field('Name', v.name) +
      field('ID', v.id) +
      field('Project', `${String(valueAt(v, 'projectName'))} (${String(valueAt(v, 'projectId'))})`) +
      field('Department', valueAt(v, 'departmentId')) +
      field('Cluster', valueAt(v, 'clusterId')) +
      field('Origin PVC', valueAt(v, 'originPvcName')) +
      field('Description', valueAt(v, 'description')) +
      field('Phase', valueAt(v, 'status.phase')) +
      field('Message', valueAt(v, 'status.phaseMessage')) +
      field('PVC', valueAt(v, 'status.datavolumePvcName')) +
      field('PV', valueAt(v, 'status.datavolumePvName')) +
      field('Created', `${String(valueAt(v, 'createdAt'))} by ${String(valueAt(v, 'createdBy'))}`) +
      field('Updated', `${String(valueAt(v, 'updatedAt'))} by ${String(valueAt(v, 'updatedBy'))}`);
    text += 'Shared with:\n';
    const scopes = v.sharedScopes ?? [];
    text += scopes.length === 0 ? '  <none>\n' : indent(table(scopes, SCOPE_COLUMNS, { headers: true }));
    text += 'Conditions:\n';
    const conditions = (valueAt(v, 'status.conditions') as unknown[] | undefined) ?? [];
    text += conditions.length === 0 ? '  <none>\n' : indent(table(conditions, CONDITION_COLUMNS, { headers: true }));
    text += 'Used by:\n';
    if (usage === undefined) text += '  <not shown: you may not view its usage>\n';
    else text += (usage.workloads ?? []).length === 0 ? '  <none>\n' : indent(table(usage.workloads ?? [], WORKLOAD_COLUMNS, { headers: true }));
    ctx.out(text);
  },
});

const SCOPE_COLUMNS: readonly Column[] = [
  { header: 'TYPE', path: 'scopeType' },
  { header: 'ID', path: 'scopeId' },
  { header: 'NAME', path: 'scopeName' },
  { header: 'SHARED', path: 'createdAt' },
  { header: 'BY', path: 'createdBy' },
];
const CONDITION_COLUMNS: readonly Column[] = [
  { header: 'TYPE', path: 'type' },
  { header: 'STATUS', path: 'status' },
  { header: 'REASON', path: 'reason' },
  { header: 'MESSAGE', path: 'message' },
  { header: 'LAST TRANSITION', path: 'lastTransitionTime' },
];
const WORKLOAD_COLUMNS: readonly Column[] = [
  { header: 'KIND', path: 'kind' },
  { header: 'NAMESPACE', path: 'namespace' },
  { header: 'NAME', path: 'name' },
];

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
}

const create = defineCommand({
  name: 'create',
  summary: 'Register a Bound PVC of a project as a data volume',
  usage: '<name> -p <project> --pvc <pvc> [--description <text>] [-o table|json|yaml]',
  flags: { ...OUTPUT_FLAGS, project: { type: 'string', short: 'p' }, pvc: { type: 'string' }, description: { type: 'string' } },
  positionals: { min: 1, max: 1, names: 'the name of the volume' },
  async run({ flags, args }, ctx) {
    const api = await ApiClient.open(ctx.env);
    const projectId = flags.project ?? api.project;
    if (projectId === undefined) throw CliError.usage('-p <project> is required (or set a default: dv config set-project <project>)');
    if (flags.pvc === undefined) throw CliError.usage('--pvc <pvc> is required: the PVC in the project namespace that holds the data');
    const volume = await api.json<Volume>('POST', BASE, {
      body: { name: args[0], projectId, originPvcName: flags.pvc, ...(flags.description === undefined ? {} : { description: flags.description }) },
    });
    printRows(ctx, [volume], flags, volume, VOLUME_COLUMNS);
  },
});

function sharingCommand(name: 'share' | 'unshare'): Command {
  return defineCommand({
    name,
    summary: name === 'share' ? 'Share a Ready data volume with scopes (read-only)' : 'Stop sharing a data volume with scopes',
    usage: '<id|name> --scope <type>:<id> [--scope ...] [-o table|json|yaml]',
    flags: { ...OUTPUT_FLAGS, scope: { type: 'string', multiple: true } },
    positionals: { min: 1, max: 1, names: 'the volume (id or name)' },
    async run({ flags, args }, ctx) {
      const scopes = (flags.scope ?? []).map((s) => scopeArg(s, '--scope'));
      if (scopes.length === 0) throw CliError.usage('--scope <type>:<id> is required (e.g. --scope department:dept-vision)');
      if (scopes.length > 50) throw CliError.usage('at most 50 scopes at once');
      const api = await ApiClient.open(ctx.env);
      const id = await resolveVolume(api, args[0] ?? '');
      const answer = await api.json<unknown>('PATCH', `${BASE}/${id}/sharedScopes`, {
        body: name === 'share' ? { add: scopes, remove: [] } : { add: [], remove: scopes },
      });
      const rows = Array.isArray(answer) ? answer : ((valueAt(answer, 'sharedScopes') as unknown[] | undefined) ?? []);
      printRows(ctx, rows, flags, answer, SCOPE_COLUMNS);
    },
  });
}

const remove = defineCommand({
  name: 'delete',
  summary: 'Delete a data volume (refused while a workload uses it)',
  usage: '<id|name>',
  flags: {},
  positionals: { min: 1, max: 1, names: 'the volume (id or name)' },
  async run({ args }, ctx) {
    const api = await ApiClient.open(ctx.env);
    const answer = await api.json<{ message?: string } | undefined>('DELETE', `${BASE}/${await resolveVolume(api, args[0] ?? '')}`);
    ctx.out(`${answer?.message ?? 'deleted'}\n`);
  },
});

export const DATAVOLUME: CommandGroup = {
  name: 'datavolume',
  aliases: ['datavolumes', 'dv'],
  summary: 'Data volumes: datasets in PVCs, registered once and shared read-only',
  commands: [list, get, describe, create, sharingCommand('share'), sharingCommand('unshare'), remove],
};
