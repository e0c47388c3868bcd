import {
  AUDIT_STREAM,
  AuditRpc,
  AuthzRpc,
  NATS_PERMISSION_MANIFEST,
  type NatsClientName,
  OrgEvents,
  STREAMS,
  SharingRpc,
  VolumeEvents,
  VolumeRpc,
} from '@dv/contracts';
import { EventPublisher, PLATFORM_STREAM_NAMES, awaitStreams, connectNats, provisionStreams } from '@dv/messaging';
import { type StreamConfig, type StreamInfo, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import { SecuredNats, publishOutcome } from './secured-nats';

const encoder = new TextEncoder();
const ACTOR = { id: 'platform-publisher', type: 'system' } as const;
const DV_EVENTS = STREAMS.domain.name;

/** Every client with a user but the provisioner: the services, the platform publisher, the audit reader, the operator. */
const NOT_PROVISIONERS: readonly NatsClientName[] = NATS_PERMISSION_MANIFEST.filter((e) => e.status === 'running' && e.client !== 'provisioner').map(
  (e) => e.client,
);

/** A stream's settings that matter here, without what the server fills in over time. */
function settingsOf(
  info: StreamInfo,
): Pick<StreamConfig, 'subjects' | 'max_msgs' | 'max_bytes' | 'max_age' | 'duplicate_window' | 'discard' | 'deny_delete' | 'deny_purge'> {
  const { subjects, max_msgs, max_bytes, max_age, duplicate_window, discard, deny_delete, deny_purge } = info.config;
  return { subjects, max_msgs, max_bytes, max_age, duplicate_window, discard, deny_delete, deny_purge };
}

/**
 * Streams belong to the one provisioning identity (issue 12, finding 7): under the shipped config no
 * service, nor the platform publisher, nor anyone else may change, delete or purge DV_EVENTS (before,
 * every service user could cut its max_msgs, dropping stored events, or set its de-duplication
 * window to a second). The provisioner creates and updates the streams and can delete nothing.
 */
describe('stream provisioning under the generated NATS permissions (real nats-server)', () => {
  let secured: SecuredNats;
  let operator: NatsConnection;

  beforeAll(async () => {
    // Not provisioned yet: the first test shows what a service does before the provisioning step has run.
    secured = await SecuredNats.start({ provision: false });
    operator = await secured.connectAs('operator');
  }, 60_000);

  afterAll(async () => {
    await secured?.stop();
  });

  it('lets a service only wait for the streams (it cannot make them); the provisioner makes them', async () => {
    const volume = await secured.connectAs('volume');
    await expect(awaitStreams(volume, PLATFORM_STREAM_NAMES, { timeoutMs: 500 })).rejects.toThrow(/stream DV_EVENTS does not exist: the provisioning step/);
    await expect(provisionStreams(volume)).rejects.toThrow(/Permissions Violation for Publish to "\$JS\.API\.STREAM\.CREATE\.DV_EVENTS"/);

    await secured.provision();
    await awaitStreams(volume, PLATFORM_STREAM_NAMES, { timeoutMs: 500 });
    const jsm = await jetstreamManager(operator);
    for (const stream of Object.values(STREAMS)) expect((await jsm.streams.info(stream.name)).config.subjects).toEqual(stream.subjects);
    expect((await jsm.streams.info(AUDIT_STREAM.name)).config).toMatchObject({ subjects: AUDIT_STREAM.subjects, deny_delete: true, deny_purge: true });
    // Idempotent: a second run (another deploy) changes nothing.
    await secured.provision();
  });

  it('refuses STREAM.UPDATE, DELETE and PURGE of DV_EVENTS to every service user, the platform publisher and everyone else', async () => {
    const stored = 3;
    const publisher = new EventPublisher(await secured.connectAs('platform-publisher'), 'dv/platform-test');
    for (let i = 0; i < stored; i++)
      await publisher.publish(OrgEvents.tenant.created, { tenantId: `t${i}`, name: `Tenant ${i}` }, { actor: ACTOR, subject: `t${i}` });
    // Stored events on DV_EVENTS too, as the volume service publishes them (JetStream stores any body).
    const volume = jetstream(await secured.connectAs('volume'));
    for (let i = 0; i < stored; i++) await volume.publish(VolumeEvents.created.type, encoder.encode(JSON.stringify({ n: i })), { msgID: `stored-${i}` });

    const jsm = await jetstreamManager(operator);
    const before = await Promise.all([DV_EVENTS, STREAMS.platform.name].map((name) => jsm.streams.info(name)));
    const [domainBefore] = before;
    if (!domainBefore) throw new Error('no DV_EVENTS');
    // What a taken-over service would send: keep one message, forget duplicates after a second.
    const cut = { ...domainBefore.config, max_msgs: 1, duplicate_window: nanos(1000) };
    const refusals: string[] = [];
    for (const client of NOT_PROVISIONERS) {
      const nc = await secured.connectAs(client);
      for (const stream of [DV_EVENTS, STREAMS.platform.name]) {
        const attempts: [string, unknown][] = [
          [`$JS.API.STREAM.UPDATE.${stream}`, { ...cut, name: stream, subjects: stream === DV_EVENTS ? cut.subjects : STREAMS.platform.subjects }],
          [`$JS.API.STREAM.DELETE.${stream}`, {}],
          [`$JS.API.STREAM.PURGE.${stream}`, {}],
          [`$JS.API.STREAM.MSG.DELETE.${stream}`, { seq: 1 }],
        ];
        for (const [subject, body] of attempts) refusals.push(`${client} ${subject} ${await publishOutcome(nc, subject, body)}`);
      }
      // Nor a stream of its own that would take the events' subjects (or anything else).
      refusals.push(`${client} STREAM.CREATE ${await publishOutcome(nc, '$JS.API.STREAM.CREATE.MINE', { name: 'MINE', subjects: ['dv.mine.>'] })}`);
      // And through the client API, as an attacker would use it: refused.
      await expect((await jetstreamManager(nc, { checkAPI: false })).streams.purge(DV_EVENTS)).rejects.toThrow(/Permissions Violation/);
    }
    expect(refusals.filter((line) => !line.endsWith(' denied'))).toEqual([]);
    expect(refusals).toHaveLength(NOT_PROVISIONERS.length * 9);

    // Nothing changed: the same settings, every stored event still there.
    const after = await Promise.all([DV_EVENTS, STREAMS.platform.name].map((name) => jsm.streams.info(name)));
    expect(after.map(settingsOf)).toEqual(before.map(settingsOf));
    expect(after.map((info) => info.state.messages)).toEqual(before.map((info) => info.state.messages));
    expect(after.map((info) => info.state.messages)).toEqual([stored, stored]);
  });

  it('lets the provisioner create and update streams, and delete or purge none', async () => {
    const provisioner = await secured.connectAs('provisioner');
    const jsm = await jetstreamManager(provisioner);
    const info = await jsm.streams.info(DV_EVENTS);
    await jsm.streams.update(DV_EVENTS, { duplicate_window: info.config.duplicate_window });
    for (const subject of [
      `$JS.API.STREAM.DELETE.${DV_EVENTS}`,
      `$JS.API.STREAM.PURGE.${DV_EVENTS}`,
      `$JS.API.STREAM.MSG.DELETE.${DV_EVENTS}`,
      `$JS.API.STREAM.DELETE.${AUDIT_STREAM.name}`,
    ]) {
      expect([subject, await publishOutcome(provisioner, subject)]).toEqual([subject, 'denied']);
    }
    // It reads and calls nothing: no event, no service.
    for (const subject of [
      VolumeRpc.create.subject,
      'dv.evt.volume.created.v1',
      `$JS.API.STREAM.MSG.GET.${DV_EVENTS}`,
      `$JS.API.CONSUMER.CREATE.${DV_EVENTS}.peek`,
    ]) {
      expect([subject, await publishOutcome(provisioner, subject)]).toEqual([subject, 'denied']);
    }
  });

  it('refuses a connection without credentials, and dv.volume.* to every client that may not call it', async () => {
    await expect(connectNats({ url: secured.url, name: 'anonymous' })).rejects.toThrow(/Authorization Violation/i);
    const callers = NATS_PERMISSION_MANIFEST.filter((e) => e.calls.includes(VolumeRpc.create.subject) && e.status === 'running').map((e) => e.client);
    expect(callers).toEqual(['gateway', 'operator']);
    for (const client of NOT_PROVISIONERS.filter((c) => !callers.includes(c))) {
      const nc = await secured.connectAs(client);
      for (const subject of [VolumeRpc.create.subject, VolumeRpc.delete.subject, VolumeRpc.list.subject]) {
        expect([client, subject, await publishOutcome(nc, subject)]).toEqual([client, subject, 'denied']);
      }
    }
    // Those that may are let through (nobody serves it here).
    expect(await publishOutcome(operator, VolumeRpc.create.subject)).toBe('no-responders');
    const gateway = await secured.connectAs('gateway');
    expect(await publishOutcome(gateway, VolumeRpc.create.subject)).toBe('no-responders');
    // The gateway calls what it forwards and nothing else: not the archive, not the services' internal
    // questions, no event but its service accounts', no stream management.
    for (const subject of [
      AuditRpc.archive.subject,
      SharingRpc.resolve.subject,
      SharingRpc.listMany.subject,
      AuthzRpc.mutateRole.subject,
      'dv.evt.volume.created.v1',
      `$JS.API.STREAM.PURGE.${DV_EVENTS}`,
      `$JS.API.STREAM.DELETE.${DV_EVENTS}`,
    ]) {
      expect([subject, await publishOutcome(gateway, subject)]).toEqual([subject, 'denied']);
    }
  });
});
