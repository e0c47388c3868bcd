import { NATS_PERMISSION_MANIFEST, type NatsClientName, generateNatsPassword, natsPasswordVariable } from '@dv/contracts';
import { connectNats, drainNats, provisionStreams } from '@dv/messaging';
import { type NatsConnection } from '@nats-io/nats-core';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries } from './ensure-binaries';
import { repoRoot } from './repo-root';
import { type ServiceProcess, startIsolatedNats, startServiceProcess } from './service-process';
import { type RunningNats, startNats } from './start-nats';
import { type StartTestBedOptions, type TestBed, startTestBed } from './test-bed';

/** The committed, generated nats-server config (tools/nats-permissions): what the tests and the local run start is what ships. */
export function natsServerConfigPath(): string {
  return join(repoRoot(), 'deploy/nats/nats-server.conf');
}

/** A fresh random password for every client with a user in the config, as `DV_NATS_<CLIENT>_PASSWORD`. */
export function generateNatsPasswords(): Record<string, string> {
  const users = NATS_PERMISSION_MANIFEST.filter((entry) => entry.status === 'running');
  return Object.fromEntries(users.map((entry) => [natsPasswordVariable(entry.client), generateNatsPassword()]));
}

/**
 * A user that only a test has, beside the platform's (which stay exactly as shipped): for a test that
 * must do what no client of the platform may (publish events of a type no contract knows, or a
 * malformed one). It says why in `why`, and gets its inbox, the JetStream account info and `publish`.
 */
export interface TestNatsUser {
  readonly user: string;
  readonly why: string;
  readonly publish: readonly string[];
}

export interface StartSecuredNatsOptions {
  /** Start in this folder (the test bed's or the local run's) instead of a temporary one of its own. */
  dir?: string;
  /** The nats-server binary (default: the cached build). */
  binary?: string;
  /**
   * Create the streams as the `provisioner` user once the server is up, as the provisioning step
   * does before the services start (default true). False: a test of the provisioning itself.
   */
  provision?: boolean;
  /** Users of this test only, added to the shipped config in a copy of it in a temporary folder. */
  testUsers?: readonly TestNatsUser[];
  /** Starts the server with these settings instead of a fresh isolated one (e.g. `startRestartableNats`, for a fault test); not with `dir`. */
  server?: (settings: { configFile: string; env: Record<string, string> }) => Promise<RunningNats>;
  /** Copies of every stream the provisioner makes (NATS_STREAM_REPLICAS of the provisioning step): 3 on a three-node cluster; 1 by default. */
  streamReplicas?: number;
}

const testPasswordVariable = (user: string): string => `DV_TEST_NATS_${user.toUpperCase().replace(/-/g, '_')}_PASSWORD`;

/** The shipped config with the test's users appended to its user list (the config is generated: its list ends the file). */
async function configWithTestUsers(users: readonly TestNatsUser[]): Promise<{ file: string; dir: string }> {
  const shipped = await readFile(natsServerConfigPath(), 'utf8');
  const end = shipped.lastIndexOf('\n  ]\n}');
  if (end < 0) throw new Error(`${natsServerConfigPath()} does not end with its user list`);
  const entries = users.flatMap((u) => [
    `    # test only: ${u.why.replace(/\n/g, ' ')}`,
    '    {',
    `      user: ${JSON.stringify(u.user)}`,
    `      password: $${testPasswordVariable(u.user)}`,
    '      permissions: {',
    `        publish: { allow: ${JSON.stringify(['$JS.API.INFO', ...u.publish])} }`,
    `        subscribe: { allow: ${JSON.stringify([`_INBOX_${u.user}.>`])} }`,
    '      }',
    '    }',
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'dv-nats-config-'));
  const file = join(dir, 'nats-server.conf');
  await writeFile(file, `${shipped.slice(0, end)}\n${entries.join('\n')}${shipped.slice(end)}`);
  return { file, dir };
}

export interface ConnectAsOptions {
  /** Another password than the client's (a wrong one). */
  pass?: string;
  /** Another inbox prefix than `_INBOX_<client>`. */
  inboxPrefix?: string;
  /** Connection name (default `<client>-test`). */
  name?: string;
}

/**
 * nats-server with the platform's users and permissions on: deploy/nats/nats-server.conf (deny by
 * default, one user per client) and a fresh random password per user, held only in the server's
 * environment and in the environment of the children it is handed to. Every service runs as its own
 * user (`serviceEnv`), tests and tools connect as the client they play (`connectAs`), and the
 * streams are made by the `provisioner` user, the only one that may.
 */
export class SecuredNats {
  private readonly connections: NatsConnection[] = [];

  private constructor(
    readonly nats: RunningNats,
    private readonly passwords: Record<string, string>,
    private readonly configDir: string | undefined,
    private readonly streamReplicas: number,
  ) {}

  static async start(options: StartSecuredNatsOptions = {}): Promise<SecuredNats> {
    const testUsers = options.testUsers ?? [];
    const passwords = { ...generateNatsPasswords(), ...Object.fromEntries(testUsers.map((u) => [testPasswordVariable(u.user), generateNatsPassword()])) };
    const config = testUsers.length > 0 ? await configWithTestUsers(testUsers) : undefined;
    const settings = { configFile: config?.file ?? natsServerConfigPath(), env: passwords };
    let nats: RunningNats;
    if (options.dir !== undefined) {
      const binary = options.binary ?? (await ensureBinaries({ builds: ['nats-server'] })).natsServer;
      if (!binary) throw new Error('nats-server binary is not available');
      nats = await startNats({ ...settings, binary, dir: options.dir });
    } else if (options.server !== undefined) nats = await options.server(settings);
    else nats = await startIsolatedNats(settings);
    const secured = new SecuredNats(nats, passwords, config?.dir, options.streamReplicas ?? 1);
    if (options.provision !== false)
      await secured.provision().catch(async (error: unknown) => {
        await nats.stop();
        throw error;
      });
    return secured;
  }

  get url(): string {
    return this.nats.url;
  }

  password(client: NatsClientName | TestNatsUser): string {
    const password = this.passwords[typeof client === 'string' ? natsPasswordVariable(client) : testPasswordVariable(client.user)];
    if (password === undefined) throw new Error(`${client} has no user in ${natsServerConfigPath()}`);
    return password;
  }

  /** `DV_NATS_<CLIENT>_PASSWORD` of every user: for a file in the run's tmp folder, never the repository. */
  allPasswords(): Record<string, string> {
    return { ...this.passwords };
  }

  /** NATS_URL, NATS_USER and NATS_PASSWORD of a process that connects as this client (a service, the platform publisher). */
  serviceEnv(client: NatsClientName): Record<string, string> {
    return { NATS_URL: this.url, NATS_USER: client, NATS_PASSWORD: this.password(client) };
  }

  /**
   * One of our services as its own process, connected as its own NATS user, on the test bed's MongoDB
   * (MONGO_URL) in a database of its own (`<service>_perm_<run>`). authz gets `root` as bootstrap admin.
   */
  async startService(service: NatsClientName, run: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const mongoUrl = process.env['MONGO_URL'];
    if (!mongoUrl) throw new Error('MONGO_URL is not set: run through the workspace jest config, which starts the test bed');
    const database = `${service.replace(/-/g, '_')}_perm_${run}`;
    return startServiceProcess({
      service,
      env: {
        ...this.serviceEnv(service),
        MONGO_URL: mongoUrl,
        MONGO_DB: database,
        ...(service === 'authz' ? { AUTHZ_BOOTSTRAP_ADMINS: 'user:root' } : {}),
        ...env,
      },
      timeoutMs: 60_000,
    });
  }

  /** A connection as this client, or as one of the test's own users (closed by stop). */
  async connectAs(client: NatsClientName | TestNatsUser, options: ConnectAsOptions = {}): Promise<NatsConnection> {
    const user = typeof client === 'string' ? client : client.user;
    const nc = await connectNats({
      url: this.url,
      name: options.name ?? `${user}-test`,
      user,
      pass: options.pass ?? this.password(client),
      ...(options.inboxPrefix !== undefined ? { inboxPrefix: options.inboxPrefix } : {}),
    });
    this.connections.push(nc);
    return nc;
  }

  /** The provisioning step: every stream created or updated as the `provisioner` user. */
  async provision(): Promise<void> {
    const nc = await connectNats({ url: this.url, name: 'provisioner', user: 'provisioner', pass: this.password('provisioner') });
    try {
      await provisionStreams(nc, { replicas: this.streamReplicas });
    } finally {
      await drainNats(nc);
    }
  }

  /** The server's log lines that report a permission violation (`Publish Violation`, `Subscription Violation`). */
  violations(): string[] {
    return readFileSync(this.nats.process.logPath, 'utf8')
      .split('\n')
      .filter((line) => line.includes('Violation'));
  }

  async stop(): Promise<void> {
    for (const nc of this.connections) await drainNats(nc).catch(() => undefined);
    this.connections.length = 0;
    await this.nats.stop();
    if (this.configDir !== undefined) await rm(this.configDir, { recursive: true, force: true });
  }
}

/**
 * The test bed with nats-server secured (the platform's users and permissions, streams made by the
 * provisioner): what the local run and `bed.ts up` start. `bed.securedNats` hands out the users.
 */
export function startSecuredTestBed(options: Omit<StartTestBedOptions, 'nats'> = {}): Promise<TestBed> {
  return startTestBed({ ...options, nats: { secured: (where) => SecuredNats.start(where) } });
}
