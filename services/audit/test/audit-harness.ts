import { AUDIT_STREAM, type AuditRecord, AuditRpc, type IdentityInput, type RpcRequestInput, defineEvent } from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { SecuredNats, type ServiceProcess, type TestNatsUser, httpRequest, startServiceProcess, waitFor } from '@dv/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import mongoose, { type Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AUDIT_CHAIN_COLLECTION, type ChainStateDoc } from '../src/records/audit-record.model';
import { AuditLogView } from './audit-log-view';

export const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
export const RETENTION: IdentityInput = { subjectId: 'retention', subjectType: 'service-account' };

/** Load for the crash test: a type no contract knows (mapped generically), with ~200 bytes of data. */
export const TickEvent = defineEvent({ type: 'dv.evt.load.tick.v1', data: z.object({ n: z.number(), pad: z.string() }), description: 'test load' });

/**
 * A user of these tests only: audit records whatever arrives on DV_EVENTS, so its tests publish
 * events as every service would and as none would (types no contract knows, malformed bodies), and
 * take its durable consumer away. No client of the platform may do any of that.
 */
export const EVENT_FORGER: TestNatsUser = {
  user: 'audit-test-events',
  why: 'publishes events of every type, malformed ones too, and deletes the audit durable',
  publish: ['dv.evt.>', '$JS.API.STREAM.INFO.*', `$JS.API.CONSUMER.DELETE.DV_EVENTS.audit`],
};

/**
 * The audit service and one authz beside it (for the read check), as real processes on a nats-server
 * of their own (users and permissions on: each service as its user, the test calling and reading as the
 * operator and publishing as EVENT_FORGER), each with a database of its own; a direct MongoDB connection to the audit database
 * for counting and for tampering.
 */
export class AuditHarness {
  nats!: SecuredNats;
  /** The operator: calls, reads the streams. */
  nc!: NatsConnection;
  /** EVENT_FORGER: publishes any event. */
  events!: NatsConnection;
  client!: RpcClient;
  publisher!: EventPublisher;
  mongo!: Connection;
  authz!: ServiceProcess;
  audit!: ServiceProcess;
  archiveDir!: string;
  readonly db = `audit_test_${randomUUID().slice(0, 8)}`;
  readonly authzDb = `audit_authz_${randomUUID().slice(0, 8)}`;

  async start(): Promise<void> {
    const mongoUrl = this.mongoUrl();
    this.archiveDir = await mkdtemp(join(tmpdir(), 'dv-audit-archive-'));
    this.nats = await SecuredNats.start({ testUsers: [EVENT_FORGER] });
    this.nc = await this.nats.connectAs('operator', { name: 'audit-test' });
    this.events = await this.nats.connectAs(EVENT_FORGER);
    this.publisher = new EventPublisher(this.events, 'dv/audit-test');
    this.client = new RpcClient(this.nc, { timeoutMs: 60_000 });
    this.mongo = await mongoose.createConnection(mongoUrl, { dbName: this.db }).asPromise();
    this.authz = await startServiceProcess({
      service: 'authz',
      env: {
        ...this.nats.serviceEnv('authz'),
        MONGO_URL: mongoUrl,
        MONGO_DB: this.authzDb,
        AUTHZ_BOOTSTRAP_ADMINS: `user:${ROOT.subjectId},service-account:${RETENTION.subjectId}`,
      },
    });
    await this.startAudit();
  }

  async startAudit(): Promise<ServiceProcess> {
    this.audit = await startServiceProcess({
      service: 'audit',
      env: { ...this.nats.serviceEnv('audit'), MONGO_URL: this.mongoUrl(), MONGO_DB: this.db, AUDIT_ARCHIVE_DIR: this.archiveDir },
      timeoutMs: 60_000,
    });
    return this.audit;
  }

  async stop(): Promise<void> {
    await this.audit?.stop();
    await this.authz?.stop();
    await this.mongo?.dropDatabase().catch(() => undefined);
    await this.mongo?.close();
    await this.nats?.stop();
    if (this.archiveDir) await rm(this.archiveDir, { recursive: true, force: true });
  }

  /** The stored records, read beside the service (and tampered with). */
  log(): AuditLogView {
    return new AuditLogView(this.mongo);
  }

  chain() {
    return this.mongo.collection<ChainStateDoc>(AUDIT_CHAIN_COLLECTION);
  }

  /** The audit service's readiness checks (`/readyz`): `{status, checks: {chain, following, …}}`. */
  async readiness(): Promise<{ status: string; checks: Record<string, string> }> {
    const res = await httpRequest(`http://127.0.0.1:${this.audit.healthPort}/readyz`);
    return JSON.parse(res.body) as { status: string; checks: Record<string, string> };
  }

  /** The `audit` durable on a stream, as the server sees it: what it delivered and acked, what waits, who pulls. */
  async auditConsumer(stream: 'DV_EVENTS' | 'PLATFORM_EVENTS' = 'DV_EVENTS') {
    return (await jetstreamManager(this.nc)).consumers.info(stream, 'audit');
  }

  /** Records sealed on DV_AUDIT (cheap to ask, unlike counting in FerretDB, which scans). */
  async relayed(): Promise<number> {
    return (await (await jetstreamManager(this.nc)).streams.info(AUDIT_STREAM.name)).state.messages;
  }

  /** Waits until DV_AUDIT holds `n` records. */
  async waitForRelayed(n: number, timeoutMs = 60_000): Promise<void> {
    let last = -1;
    await waitFor(
      async () => {
        last = await this.relayed();
        return last >= n;
      },
      {
        timeoutMs,
        intervalMs: 250,
        what: `${n} records on DV_AUDIT`,
        bailOut: () => (last > n ? new Error(`more records on DV_AUDIT than expected: ${last} > ${n}`) : undefined),
      },
    );
  }

  /**
   * Waits until `n` stored records match (read from the database): a query finds them from then on
   * (it indexes what was stored after the index's end first).
   */
  async waitForRecords(what: string, test: (r: AuditRecord) => boolean, n: number, timeoutMs = 60_000): Promise<void> {
    let last = -1;
    await waitFor(
      async () => {
        const matching = (await this.log().records()).filter(test);
        last = matching.length;
        return last >= n;
      },
      {
        timeoutMs,
        intervalMs: 250,
        what: `${n} audit records ${what}`,
        bailOut: () => (last > n ? new Error(`more records than events: ${last} > ${n}`) : undefined),
      },
    );
  }

  query(body: RpcRequestInput<typeof AuditRpc.query>, identity: IdentityInput = ROOT) {
    return this.client.call(AuditRpc.query, body, { identity });
  }

  verify(body: RpcRequestInput<typeof AuditRpc.verify> = {}) {
    return this.client.call(AuditRpc.verify, body, { identity: ROOT, timeoutMs: 300_000 });
  }

  private mongoUrl(): string {
    const url = process.env['MONGO_URL'];
    if (!url) throw new Error('MONGO_URL is not set: run through the workspace jest config, which starts the test bed');
    return url;
  }
}
