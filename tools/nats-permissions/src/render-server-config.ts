import { type NatsClientManifest, natsPasswordVariable } from '@dv/contracts';
import { type NatsUserPermissions, type SubjectPermission, permissionsOf } from './user-permissions';

export const REGENERATE_COMMAND = 'node -r ./scripts/ts-register.js tools/nats-permissions/src/main.ts --out deploy/nats/nats-server.conf';

/** The clients that get a nats-server user: those whose code runs (planned ones stay denied). */
export function usersOf(manifest: readonly NatsClientManifest[]): NatsClientManifest[] {
  return manifest.filter((entry) => entry.status === 'running');
}

const quote = (subject: string): string => JSON.stringify(subject);

function renderList(name: string, subjects: readonly string[], indent: string): string[] {
  return [`${indent}${name}: [`, ...subjects.map((s) => `${indent}  ${quote(s)}`), `${indent}]`];
}

/** A permission map. An empty allow list is written as `deny: [">"]`: nats-server reads a missing allow as "everything". */
function renderPermission(name: string, permission: SubjectPermission, indent: string): string[] {
  const deny = permission.allow.length === 0 ? ['>'] : permission.deny;
  return [
    `${indent}${name}: {`,
    ...(permission.allow.length > 0 ? renderList('allow', permission.allow, `${indent}  `) : []),
    ...(deny.length > 0 ? renderList('deny', deny, `${indent}  `) : []),
    `${indent}}`,
  ];
}

function renderUser(entry: NatsClientManifest, permissions: NatsUserPermissions): string[] {
  const i = '    ';
  return [
    `${i}# ${entry.client}: ${entry.summary}`,
    `${i}{`,
    `${i}  user: ${quote(entry.client)}`,
    `${i}  password: $${natsPasswordVariable(entry.client)}`,
    `${i}  permissions: {`,
    ...renderPermission('publish', permissions.publish, `${i}    `),
    ...renderPermission('subscribe', permissions.subscribe, `${i}    `),
    ...(permissions.allowResponses ? [`${i}    allow_responses: true`] : []),
    `${i}  }`,
    `${i}}`,
  ];
}

/**
 * The nats-server config: JetStream on, and one user per running client with exactly the
 * permissions the manifest gives it. Passwords are `$DV_NATS_<CLIENT>_PASSWORD` references that
 * nats-server resolves from its environment; nothing secret is in the file.
 */
export function renderServerConfig(manifest: readonly NatsClientManifest[]): string {
  const users = usersOf(manifest);
  const planned = manifest.filter((entry) => entry.status !== 'running').map((entry) => entry.client);
  const lines = [
    '# nats-server configuration of the data-volumes platform: JetStream, and one user per NATS client.',
    '# Generated from libs/contracts/src/permissions by tools/nats-permissions: do not edit by hand. Regenerate with',
    `#   ${REGENERATE_COMMAND}`,
    '#',
    '# Deny by default: a user may publish and subscribe to exactly what is listed (deny beats allow);',
    '# a connection without a known user and password is refused. Each client sets its inbox prefix to',
    '# _INBOX_<user> (connectNats does), so only it can read the replies to its requests.',
    '#',
    '# Passwords come from the environment of nats-server (letters and digits, starting with a letter:',
    '# nats-server parses the value as a config token):',
    ...users.map((entry) => `#   ${natsPasswordVariable(entry.client)}`),
    ...(planned.length > 0 ? ['#', `# Planned clients get a user when their code exists: ${planned.join(', ')}.`] : []),
    '#',
    '# Addresses, ports, monitoring and the JetStream store directory come from the command line',
    '# (-a, -p, -m, -sd) or an including config.',
    '',
    'jetstream {}',
    '',
    'authorization {',
    '  users: [',
    ...users.flatMap((entry) => renderUser(entry, permissionsOf(entry, manifest))),
    '  ]',
    '}',
    '',
  ];
  return lines.join('\n');
}
