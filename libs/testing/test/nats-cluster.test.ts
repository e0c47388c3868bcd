import { AUDIT_STREAM, DvError, OrgEvents, STREAMS } from '@dv/contracts';
import { EventPublisher, drainNats, provisionStreams } from '@dv/messaging';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { type NatsCluster, SecuredNats, startNatsCluster, waitFor } from '../src';

/**
 * The test bed's three-node JetStream cluster with the platform's users and permissions: the
 * provisioner's streams have three replicas on three distinct nodes, the routes refuse a server
 * without the cluster's route password, clients given the three URLs keep publishing while the
 * leader of a stream is killed, and the node started again on its ports and store catches up.
 */
let cluster: NatsCluster;
let secured: SecuredNats;

beforeAll(async () => {
  secured = await SecuredNats.start({ server: async (settings) => (cluster = await startNatsCluster(settings)), streamReplicas: 3 });
}, 90_000);

afterAll(async () => {
  await secured?.stop();
});

it('the url lists every node, and every platform stream has three replicas on three nodes', async () => {
  expect(secured.url.split(',')).toEqual(cluster.nodes.map((n) => n.url));
  expect(new Set(cluster.nodes.map((n) => n.url)).size).toBe(3);
  const jsm = await jetstreamManager(await secured.connectAs('operator'));
  for (const stream of [...Object.values(STREAMS).map((s) => s.name), AUDIT_STREAM.name]) {
    const info = await jsm.streams.info(stream);
    expect(info.config.num_replicas).toBe(3);
    const peers = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)];
    expect(new Set(peers).size).toBe(3);
  }
});

it('a server without the route password is not let into the cluster', async () => {
  const config = readFileSync(cluster.nodes[0]?.process.logPath.replace(/nats-server\.log$/, 'nats-server.conf') ?? '', 'utf8');
  const listen = /listen: "127\.0\.0\.1:(\d+)"/.exec(config)?.[1];
  expect(listen).toBeDefined();
  // A route handshake with a wrong password: the node answers -ERR and closes.
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(listen), '127.0.0.1');
    let text = '';
    let sent = false;
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (!sent && text.includes('INFO')) sent = socket.write('CONNECT {"user":"route","pass":"wrong","name":"intruder","cluster":"dv-testbed"}\r\nPING\r\n');
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
  expect(answer).toMatch(/-ERR 'Authorization Violation'/);
  // Every route the node holds is to one of the cluster's own servers.
  const routez = (await (await fetch(`${cluster.nodes[0]?.monitorUrl}/routez`)).json()) as { routes?: { remote_name?: string }[] };
  const remotes = new Set((routez.routes ?? []).map((r) => r.remote_name));
  expect([...remotes].sort()).toEqual(['dv-n2', 'dv-n3']);
});

it('publishes keep landing while the stream leader is killed, and the node restarted on its store catches up', async () => {
  const nc: NatsConnection = await secured.connectAs('platform-publisher');
  const publisher = new EventPublisher(nc, 'dv/platform-test');
  const leader = await cluster.streamLeader(STREAMS.platform.name);
  const published: number[] = [];
  let unavailable = 0;
  const publish = async (n: number): Promise<void> => {
    const id = randomUUID();
    // While the stream elects a new leader a publish keeps trying for a while, then fails as UNAVAILABLE
    // (typed, retryable), never with the client's "jetstream is not enabled"; a retry with the same id lands once.
    for (;;) {
      const started = Date.now();
      try {
        const ack = await publisher.publish(
          OrgEvents.tenant.created,
          { tenantId: `t-${n}`, name: `Tenant ${n}` },
          { actor: { id: 'tester', type: 'system' }, subject: id, id },
        );
        published.push(ack.seq);
        return;
      } catch (error) {
        if (!(error instanceof DvError) || error.code !== 'UNAVAILABLE') throw error;
        expect(Date.now() - started).toBeLessThan(4000);
        unavailable++;
      }
    }
  };
  for (let n = 0; n < 5; n++) await publish(n);
  await leader.kill();
  for (let n = 5; n < 15; n++) await publish(n);
  const newLeader = await cluster.streamLeader(STREAMS.platform.name);
  expect(newLeader.name).not.toBe(leader.name);
  await leader.restart();
  // Its /healthz answers 200 only once it holds every stream current again; the stream still has three peers, all current.
  // The leader sees the peer current once its next heartbeat arrives.
  const jsm = await jetstreamManager(await secured.connectAs('operator'));
  const info = await waitFor(
    async () => {
      const i = await jsm.streams.info(STREAMS.platform.name);
      return (i.cluster?.replicas ?? []).every((p) => p.current && p.offline !== true) ? i : undefined;
    },
    { timeoutMs: 15_000, what: 'every replica of the stream to be current' },
  );
  expect(info.state.last_seq).toBeGreaterThanOrEqual(Math.max(...published));
  expect(new Set(published).size).toBe(15);
  expect(unavailable).toBeLessThan(5);
  const peers = info.cluster?.replicas ?? [];
  expect(peers.map((p) => p.name).sort()).toEqual(
    cluster.nodes
      .map((n) => n.name)
      .filter((n) => n !== info.cluster?.leader)
      .sort(),
  );
  await drainNats(nc);
}, 90_000);

it('provisioning again with another replica count scales the existing streams (NATS_STREAM_REPLICAS changed)', async () => {
  const provisioner = await secured.connectAs('provisioner');
  const jsm = await jetstreamManager(await secured.connectAs('operator'));
  const names = [...Object.values(STREAMS).map((s) => s.name), AUDIT_STREAM.name];
  const replicas = async (): Promise<number[]> => Promise.all(names.map(async (n) => (await jsm.streams.info(n)).config.num_replicas));
  await provisionStreams(provisioner, { replicas: 1 });
  expect(await replicas()).toEqual(names.map(() => 1));
  await provisionStreams(provisioner, { replicas: 3 });
  expect(await replicas()).toEqual(names.map(() => 3));
  await cluster.healthy();
}, 60_000);
