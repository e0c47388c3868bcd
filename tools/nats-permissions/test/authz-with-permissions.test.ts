import { AuthzRpc, type EventDefinition, type IdentityInput, OrgEvents, STREAMS } from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { type ServiceProcess, httpRequest, repoRoot, startServiceProcess, waitFor } from '@dv/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SecuredNats } from './secured-nats';

const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
const ACTOR = { id: 'platform-publisher', type: 'system' } as const;
const DATA_VOLUME_ADMINISTRATOR = 2256;

/**
 * The real authz service as a process, connected as the `authz` user of deploy/nats/nats-server.conf,
 * and the real platform publisher as the `platform-publisher` user: everything they do (streams,
 * durable and ordered consumers, serving, publishing through the outbox, dead-lettering) must fit in
 * the permissions the manifest gives them.
 */
describe('authz under the generated NATS permissions (real nats-server, real service process)', () => {
  let secured: SecuredNats;
  let publisher: NatsConnection;
  let operator: NatsConnection;
  let client: RpcClient;
  let service: ServiceProcess | undefined;
  let platformRevision = 0;
  let stateDir: string | undefined;

  const org = async (def: EventDefinition, data: unknown, subject: string): Promise<number> => {
    const { seq } = await new EventPublisher(publisher, 'dv/platform-test').publish(def, data, { actor: ACTOR, subject });
    platformRevision = Math.max(platformRevision, seq);
    return seq;
  };

  beforeAll(async () => {
    const mongoUrl = process.env['MONGO_URL'];
    if (!mongoUrl) throw new Error('MONGO_URL is not set: run through the workspace jest config, which starts the test bed');
    secured = await SecuredNats.start();
    // The example org, published by the real tool as the platform-publisher user (the streams are there: the provisioner made them).
    stateDir = await mkdtemp(join(tmpdir(), 'dv-publisher-state-'));
    const root = repoRoot();
    await promisify(execFile)(
      process.execPath,
      [
        '-r',
        join(root, 'scripts/ts-register.js'),
        join(root, 'tools/platform-publisher/src/main.ts'),
        '--file',
        join(root, 'deploy/examples/org.yaml'),
        '--no-kube',
        '--state',
        join(stateDir, 'state.json'),
      ],
      {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', NATS_URL: secured.url, NATS_USER: 'platform-publisher', NATS_PASSWORD: secured.password('platform-publisher') },
      },
    );
    publisher = await secured.connectAs('platform-publisher');
    service = await startServiceProcess({
      service: 'authz',
      env: {
        ...secured.serviceEnv('authz'),
        MONGO_URL: mongoUrl,
        MONGO_DB: `authz_perm_${randomUUID().slice(0, 8)}`,
        AUTHZ_BOOTSTRAP_ADMINS: 'user:root',
      },
      timeoutMs: 60_000,
    });
    operator = await secured.connectAs('operator');
    client = new RpcClient(operator, { timeoutMs: 10_000 });
    platformRevision = (await (await jetstreamManager(operator)).streams.info(STREAMS.platform.name)).state.last_seq;
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await secured?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('starts as the authz user (streams found, durable and ordered consumers created) and becomes ready', async () => {
    if (!service) throw new Error('authz did not start');
    const ready = await httpRequest(`http://127.0.0.1:${service.healthPort}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ok', checks: { nats: 'ok', mongo: 'ok', following: 'ok' } });
    const jsm = await jetstreamManager(operator);
    for (const stream of Object.values(STREAMS)) expect((await jsm.streams.info(stream.name)).config.subjects).toEqual(stream.subjects);
  });

  it('answers dv.authz.check to the operator, with the org it follows on the platform stream', async () => {
    expect(platformRevision).toBeGreaterThan(10);
    const decision = await client.call(
      AuthzRpc.check,
      {
        subject: { subjectType: 'user', subjectId: 'root' },
        action: 'create',
        resourceType: 'datavolumes',
        scope: { scopeType: 'project', scopeId: 'proj-a' },
        atLeast: { platform: platformRevision },
      },
      { identity: ROOT },
    );
    expect(decision).toMatchObject({ allowed: true });
    expect(decision.scopePath.map((s) => s.scopeId)).toEqual(['system', 'tenant-acme', 'cluster-east', 'dept-vision', 'proj-a']);
  });

  it('publishes its events through the outbox and follows its own stream: a new rule grants at its revision', async () => {
    const { rule, revision } = await client.call(
      AuthzRpc.createAccessRule,
      { subjectType: 'user', subjectId: 'dana@acme.example', roleId: DATA_VOLUME_ADMINISTRATOR, scopeType: 'department', scopeId: 'dept-vision' },
      { identity: ROOT },
    );
    expect(revision.events).toBeGreaterThan(0);
    const decision = await client.call(
      AuthzRpc.check,
      {
        subject: { subjectType: 'user', subjectId: 'dana@acme.example' },
        action: 'create',
        resourceType: 'datavolumes',
        scope: { scopeType: 'project', scopeId: 'proj-b' },
        atLeast: revision,
      },
      { identity: ROOT },
    );
    expect(decision).toMatchObject({ allowed: true, grantedBy: { ruleId: rule.id } });
  });

  it('projects org events with its durable consumer (ack), and dead-letters a malformed one', async () => {
    const seq = await org(
      OrgEvents.project.created,
      { projectId: 'proj-z', departmentId: 'dept-vision', clusterId: 'cluster-east', name: 'Project Z', namespace: 'dv-proj-z' },
      'proj-z',
    );
    // The platform publisher may publish on the subject; what it sends there is authz's problem.
    const bad = await publisher.request(OrgEvents.tenant.created.type, new TextEncoder().encode('not json'), { timeout: 3000 });
    const badSeq = (JSON.parse(bad.string()) as { seq: number }).seq;
    const jsm = await jetstreamManager(operator);
    await waitFor(async () => (await jsm.consumers.info(STREAMS.platform.name, 'authz')).ack_floor.stream_seq >= Math.max(seq, badSeq), {
      timeoutMs: 15_000,
      what: `authz's durable consumer to settle platform event #${badSeq}`,
    });
    await waitFor(async () => (await jsm.streams.info(STREAMS.deadLetter.name)).state.messages >= 1, { timeoutMs: 15_000, what: 'the dead letter' });
    const dead = await jsm.streams.getMessage(STREAMS.deadLetter.name, { last_by_subj: `dv.dlq.authz.${OrgEvents.tenant.created.type}` });
    expect(dead?.string()).toBe('not json');
  });

  it('did all of that without a single permission violation, and stops cleanly', async () => {
    await service?.stop();
    service = undefined;
    expect(secured.violations()).toEqual([]);
  });
});
