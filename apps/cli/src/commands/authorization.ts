import { intArg, scopeArg } from '../core/args';
import { ApiClient } from '../core/api-client';
import { CliError, EXIT } from '../core/cli-error';
import { type CommandGroup, OUTPUT_FLAGS, defineCommand } from '../core/command';
import { type Column, outputFormat, parseColumns, render, table, valueAt } from '../core/output';

const AUTHZ = '/api/v1/authorization';

const ROLE_COLUMNS: readonly Column[] = [
  { header: 'ID', path: 'id' },
  { header: 'ROLE', path: 'name' },
  { header: 'CREATED BY', path: 'createdBy' },
  { header: 'CREATED', path: 'createdAt' },
];
const PERMISSION_COLUMNS: readonly Column[] = [
  { header: 'ENTITY', path: 'displayName' },
  { header: 'RESOURCE TYPE', path: 'resourceType' },
  { header: 'ACTIONS', path: 'actions' },
];
const RULE_COLUMNS: readonly Column[] = [
  { header: 'ID', path: 'id' },
  { header: 'SUBJECT TYPE', path: 'subjectType' },
  { header: 'SUBJECT', path: 'subjectId' },
  { header: 'ROLE', path: 'roleName' },
  { header: 'SCOPE TYPE', path: 'scopeType' },
  { header: 'SCOPE', path: 'scopeName' },
  { header: 'CREATED BY', path: 'createdBy' },
];

type OutputFlags = { output?: string; json?: boolean; yaml?: boolean; table?: boolean; columns?: string; 'no-headers'?: boolean };

function print(ctx: { out(t: string): void }, rows: readonly unknown[], whole: unknown, flags: OutputFlags, columns: readonly Column[]): void {
  const format = outputFormat(flags);
  if (format === 'table') ctx.out(table(rows, parseColumns(flags.columns, columns), { headers: flags['no-headers'] !== true }));
  else ctx.out(render(whole, format));
}

/** The rows of a list answer: an array, or the array under one of these keys. */
function rowsOf(answer: unknown, ...keys: string[]): unknown[] {
  if (Array.isArray(answer)) return answer;
  for (const key of keys) {
    const value = valueAt(answer, key);
    if (Array.isArray(value)) return value;
  }
  return [];
}

const roleList = defineCommand({
  name: 'list',
  summary: 'The predefined roles',
  usage: '[--search <text>] [-o table|json|yaml] [--columns a,b] [--no-headers]',
  flags: { ...OUTPUT_FLAGS, search: { type: 'string' } },
  positionals: { min: 0, max: 0, names: '' },
  async run({ flags }, ctx) {
    const api = await ApiClient.open(ctx.env);
    const answer = await api.json<unknown>('GET', `${AUTHZ}/roles`, { query: { search: flags.search } });
    print(ctx, rowsOf(answer, 'roles'), answer, flags, ROLE_COLUMNS);
  },
});

const roleShow = defineCommand({
  name: 'show',
  summary: 'One role: what it may view, edit, create and delete',
  usage: '<id> [-o table|json|yaml]',
  flags: { ...OUTPUT_FLAGS },
  positionals: { min: 1, max: 1, names: 'the role id' },
  async run({ flags, args }, ctx) {
    const api = await ApiClient.open(ctx.env);
    const role = await api.json<{ name?: string; description?: string; permissions?: unknown[] }>('GET', `${AUTHZ}/roles/${encodeURIComponent(args[0] ?? '')}`);
    if (outputFormat(flags) !== 'table') return print(ctx, [], role, flags, PERMISSION_COLUMNS);
    ctx.out(`Role:         ${role.name ?? ''}\nDescription:  ${role.description ?? ''}\nPermissions:\n`);
    ctx.out(
      table(role.permissions ?? [], parseColumns(flags.columns, PERMISSION_COLUMNS), { headers: flags['no-headers'] !== true })
        .split('\n')
        .map((l) => (l === '' ? l : `  ${l}`))
        .join('\n'),
    );
  },
});

export const ROLE: CommandGroup = { name: 'role', aliases: ['roles'], summary: 'The role catalog', commands: [roleList, roleShow] };

const ruleList = defineCommand({
  name: 'list',
  summary: 'Access rules you may view',
  usage: '[--subject-type <t>] [--subject <id>] [--role <id>] [--scope <type>:<id>] [--mine] [--limit <n>] [-o table|json|yaml] [--columns a,b] [--no-headers]',
  flags: {
    ...OUTPUT_FLAGS,
    'subject-type': { type: 'string' },
    subject: { type: 'string' },
    role: { type: 'string' },
    scope: { type: 'string' },
    mine: { type: 'boolean' },
    limit: { type: 'string' },
  },
  positionals: { min: 0, max: 0, names: '' },
  async run({ flags }, ctx) {
    const api = await ApiClient.open(ctx.env);
    const limit = intArg(flags.limit, '--limit', { min: 1, max: 500 }) ?? 500;
    if (flags.mine === true) {
      const answer = await api.json<unknown>('GET', `${AUTHZ}/me/access-rules`, { query: { limit } });
      return print(ctx, rowsOf(answer, 'accessRules.accessRules', 'accessRules'), answer, flags, RULE_COLUMNS);
    }
    const scope = flags.scope === undefined ? undefined : scopeArg(flags.scope, '--scope');
    const answer = await api.json<unknown>('GET', `${AUTHZ}/access-rules`, {
      query: {
        subjectType: flags['subject-type'],
        subjectIds: flags.subject === undefined ? undefined : [flags.subject],
        roleId: flags.role,
        scopeType: scope?.scopeType,
        scopeId: scope?.scopeId,
        limit,
      },
    });
    print(ctx, rowsOf(answer, 'accessRules'), answer, flags, RULE_COLUMNS);
  },
});

const ruleCreate = defineCommand({
  name: 'create',
  summary: 'Grant: <subject> is a <role> in a <scope>',
  usage: '--subject-type user|group|service-account --subject <id> --role <id> --scope <type>:<id> [-o table|json|yaml]',
  flags: { ...OUTPUT_FLAGS, 'subject-type': { type: 'string' }, subject: { type: 'string' }, role: { type: 'string' }, scope: { type: 'string' } },
  positionals: { min: 0, max: 0, names: '' },
  async run({ flags }, ctx) {
    for (const required of ['subject-type', 'subject', 'role', 'scope'] as const)
      if (flags[required] === undefined) throw CliError.usage(`--${required} is required`);
    const roleId = intArg(flags.role, '--role', { min: 1, max: 999_999_999 });
    const scope = scopeArg(flags.scope ?? '', '--scope');
    const api = await ApiClient.open(ctx.env);
    const rule = await api.json<unknown>('POST', `${AUTHZ}/access-rules`, {
      body: { subjectType: flags['subject-type'], subjectId: flags.subject, roleId, scopeType: scope.scopeType, scopeId: scope.scopeId },
    });
    print(ctx, [rule], rule, flags, RULE_COLUMNS);
  },
});

const ruleDelete = defineCommand({
  name: 'delete',
  summary: 'Remove an access rule',
  usage: '<id>',
  flags: {},
  positionals: { min: 1, max: 1, names: 'the rule id' },
  async run({ args }, ctx) {
    const api = await ApiClient.open(ctx.env);
    await api.json<unknown>('DELETE', `${AUTHZ}/access-rules/${encodeURIComponent(args[0] ?? '')}`);
    ctx.out(`access rule ${args[0] ?? ''} deleted\n`);
  },
});

export const ACCESS_RULE: CommandGroup = {
  name: 'access-rule',
  aliases: ['access-rules', 'rule'],
  summary: 'Access rules: a subject is a role in a scope',
  commands: [ruleList, ruleCreate, ruleDelete],
};

/** `--as user:alice` or `--as service-account:ci`; the caller itself without it. */
function subjectArg(value: string | undefined): { subjectType: string; subjectId: string } | undefined {
  if (value === undefined) return undefined;
  const at = value.indexOf(':');
  if (at <= 0 || at === value.length - 1) throw CliError.usage(`--as ${value}: expected <subjectType>:<subjectId>, e.g. user:alice`);
  return { subjectType: value.slice(0, at), subjectId: value.slice(at + 1) };
}

export const CAN_I = defineCommand({
  name: 'can-i',
  summary: 'May I (or --as someone) do <action> on <resource type> in a scope? Exit 0 yes, 1 no',
  usage: '<action> <resourceType> --scope <type>:<id> [--as <subjectType>:<subjectId>] [--explain] [-o json|yaml]',
  flags: {
    output: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
    yaml: { type: 'boolean' },
    scope: { type: 'string' },
    as: { type: 'string' },
    explain: { type: 'boolean' },
  },
  positionals: { min: 2, max: 2, names: 'the action and the resource type (e.g. can-i create datavolumes --scope project:p1)' },
  async run({ flags, args }, ctx) {
    if (flags.scope === undefined) throw CliError.usage('--scope <type>:<id> is required');
    const api = await ApiClient.open(ctx.env);
    const subject = subjectArg(flags.as);
    const decision = await api.json<{ allowed: boolean; reason?: string; explanation?: unknown }>('POST', '/api/dv/v1/check', {
      body: { action: args[0], resourceType: args[1], scope: scopeArg(flags.scope, '--scope'), ...(subject === undefined ? {} : { subject }) },
    });
    const format = outputFormat(flags);
    if (format !== 'table') ctx.out(render(decision, format));
    else {
      ctx.out(decision.allowed ? 'yes\n' : 'no\n');
      if (flags.explain === true) ctx.out(render(decision, 'yaml'));
    }
    if (!decision.allowed) throw new CliError('', EXIT.failed);
  },
});

export const WHO_CAN = defineCommand({
  name: 'who-can',
  summary: 'Who may do <action> on <resource type> in a scope, and through which rules',
  usage: '<action> <resourceType> --scope <type>:<id> [-o table|json|yaml] [--no-headers]',
  flags: { ...OUTPUT_FLAGS, scope: { type: 'string' } },
  positionals: { min: 2, max: 2, names: 'the action and the resource type' },
  async run({ flags, args }, ctx) {
    if (flags.scope === undefined) throw CliError.usage('--scope <type>:<id> is required');
    const api = await ApiClient.open(ctx.env);
    const answer = await api.json<unknown>('POST', '/api/dv/v1/who-can', {
      body: { action: args[0], resourceType: args[1], scope: scopeArg(flags.scope, '--scope') },
    });
    print(ctx, rowsOf(answer, 'subjects'), answer, flags, [
      { header: 'SUBJECT TYPE', path: 'subjectType' },
      { header: 'SUBJECT', path: 'subjectId' },
      { header: 'VIA', path: 'via' },
    ]);
  },
});
