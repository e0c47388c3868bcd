import { NATS_PERMISSION_MANIFEST, type NatsClientName, natsPasswordVariable } from '@dv/contracts';
import { connectNats } from '@dv/messaging';
import { type RunningNats, type ServiceProcess, repoRoot, startIsolatedNats, startServiceProcess } from '@dv/testing';
import { type NatsConnection, PermissionViolationError, RequestError } from '@nats-io/nats-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { passwordsFor } from '../src/passwords';
import { usersOf } from '../src/render-server-config';

/** The committed config: what the tests start is what ships. */
export const SERVER_CONFIG = join(repoRoot(), 'deploy/nats/nats-server.conf');

export interface ConnectAsOptions {
  /** Another password than the client's (a wrong one). */
  pass?: string;
  /** Another inbox prefix than `_INBOX_<client>`. */
  inboxPrefix?: string;
}

/**
 * A nats-server of its own started with deploy/nats/nats-server.conf and a fresh random password
 * per user (`$DV_NATS_<CLIENT>_PASSWORD` in its environment).
 */
export class SecuredNats {
  private readonly connections: NatsConnection[] = [];

  private constructor(
    readonly nats: RunningNats,
    private readonly passwords: Record<string, string>,
  ) {}

  static async start(): Promise<SecuredNats> {
    const passwords = passwordsFor(usersOf(NATS_PERMISSION_MANIFEST), {});
    const nats = await startIsolatedNats({ configFile: SERVER_CONFIG, env: passwords });
    return new SecuredNats(nats, passwords);
  }

  get url(): string {
    return this.nats.url;
  }

  password(client: NatsClientName): string {
    const password = this.passwords[natsPasswordVariable(client)];
    if (password === undefined) throw new Error(`${client} has no user in ${SERVER_CONFIG}`);
    return password;
  }

  /** NATS_URL, NATS_USER and NATS_PASSWORD of a service process. */
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
      env: { ...this.serviceEnv(service), MONGO_URL: mongoUrl, MONGO_DB: database, ...(service === 'authz' ? { AUTHZ_BOOTSTRAP_ADMINS: 'user:root' } : {}), ...env },
      timeoutMs: 60_000,
    });
  }

  async connectAs(client: NatsClientName, options: ConnectAsOptions = {}): Promise<NatsConnection> {
    const nc = await connectNats({
      url: this.url,
      name: `${client}-test`,
      user: client,
      pass: options.pass ?? this.password(client),
      ...(options.inboxPrefix !== undefined ? { inboxPrefix: options.inboxPrefix } : {}),
    });
    this.connections.push(nc);
    return nc;
  }

  /** The server's log lines that report a permission violation (`Publish Violation`, `Subscription Violation`). */
  violations(): string[] {
    return readFileSync(this.nats.process.logPath, 'utf8')
      .split('\n')
      .filter((line) => line.includes('Violation'));
  }

  async stop(): Promise<void> {
    for (const nc of this.connections) if (!nc.isClosed()) await nc.close();
    await this.nats.stop();
  }
}

/**
 * What became of a subscription the server may refuse: the PermissionViolationError it was closed
 * with, or 'open' when it still stands after a round trip and a moment more.
 */
export async function subscriptionOutcome(nc: NatsConnection, subject: string, queue?: string): Promise<PermissionViolationError | 'open'> {
  const sub = nc.subscribe(subject, queue !== undefined ? { queue } : {});
  await nc.flush();
  const closed = await Promise.race([sub.closed, sleep(500).then(() => 'open' as const)]);
  if (closed === 'open') {
    sub.unsubscribe();
    return 'open';
  }
  if (closed instanceof PermissionViolationError) return closed;
  throw new Error(`subscription to ${subject} closed without a permission violation: ${String(closed)}`);
}

/**
 * What a request on a subject meets: 'denied' (the server refused the publish), 'no-responders'
 * (allowed, nobody listens), or 'answered'.
 */
export async function publishOutcome(nc: NatsConnection, subject: string): Promise<'denied' | 'no-responders' | 'answered'> {
  try {
    await nc.request(subject, new TextEncoder().encode('{}'), { timeout: 3000 });
    return 'answered';
  } catch (error: unknown) {
    if (isPermissionViolation(error, subject)) return 'denied';
    if (error instanceof RequestError && error.isNoResponders()) return 'no-responders';
    throw error;
  }
}

function isPermissionViolation(error: unknown, subject: string): boolean {
  if (error instanceof PermissionViolationError) return error.subject === subject;
  return error instanceof Error && error.cause !== undefined && isPermissionViolation(error.cause, subject);
}
