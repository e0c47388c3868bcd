import { NATS_PERMISSION_MANIFEST, type NatsClientManifest, manifestOf } from '@dv/contracts';
import { repoRoot } from '@dv/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderServerConfig, usersOf } from './render-server-config';

describe('renderServerConfig', () => {
  const config = renderServerConfig(NATS_PERMISSION_MANIFEST);

  it('is what deploy/nats/nats-server.conf holds (regenerate it when the manifest changes)', () => {
    expect(readFileSync(join(repoRoot(), 'deploy/nats/nats-server.conf'), 'utf8')).toBe(config);
  });

  it('has JetStream and one user per running client, with its password taken from the environment', () => {
    expect(config).toMatch(/^jetstream \{\}$/m);
    const users = [...config.matchAll(/^\s+user: "([^"]+)"$/gm)].map((m) => m[1]);
    expect(users).toEqual(usersOf(NATS_PERMISSION_MANIFEST).map((e) => e.client));
    expect(users).toEqual([
      'authz',
      'volume',
      'sharing',
      'workload-admission',
      'audit',
      'gateway',
      'platform-publisher',
      'audit-reader',
      'provisioner',
      'operator',
    ]);
    const passwords = [...config.matchAll(/^\s+password: (.+)$/gm)].map((m) => m[1]);
    expect(passwords).toEqual([
      '$DV_NATS_AUTHZ_PASSWORD',
      '$DV_NATS_VOLUME_PASSWORD',
      '$DV_NATS_SHARING_PASSWORD',
      '$DV_NATS_WORKLOAD_ADMISSION_PASSWORD',
      '$DV_NATS_AUDIT_PASSWORD',
      '$DV_NATS_GATEWAY_PASSWORD',
      '$DV_NATS_PLATFORM_PUBLISHER_PASSWORD',
      '$DV_NATS_AUDIT_READER_PASSWORD',
      '$DV_NATS_PROVISIONER_PASSWORD',
      '$DV_NATS_OPERATOR_PASSWORD',
    ]);
    expect(config).not.toMatch(/no_auth_user|default_permissions/);
  });

  it('writes an empty allow list as deny ">" (nats-server reads a missing allow as "everything")', () => {
    const idle: NatsClientManifest = { ...manifestOf('gateway'), status: 'running', calls: [], publishes: [], follows: [] };
    const text = renderServerConfig([idle]);
    expect(text).toContain(['        publish: {', '          deny: [', '            ">"', '          ]', '        }'].join('\n'));
  });
});
