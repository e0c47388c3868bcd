import { NATS_PERMISSION_MANIFEST, type NatsClientManifest, AuthzRpc, manifestOf } from '@dv/contracts';
import { permissionsOf } from './user-permissions';

const of = (client: Parameters<typeof manifestOf>[0]) => permissionsOf(manifestOf(client), NATS_PERMISSION_MANIFEST);

describe('permissionsOf', () => {
  it('lets every client subscribe to its own inbox only, never the shared _INBOX', () => {
    for (const entry of NATS_PERMISSION_MANIFEST) {
      const { subscribe, publish } = permissionsOf(entry, NATS_PERMISSION_MANIFEST);
      const inboxes = [...subscribe.allow, ...publish.allow].filter((s) => s.startsWith('_INBOX'));
      expect(inboxes).toEqual([`_INBOX_${entry.client}.>`]);
      expect(subscribe.allow).not.toContain('>');
      expect(publish.allow).not.toContain('>');
    }
  });

  it('serves authz’s subjects in its queue group, answers through allow_responses, publishes its events only', () => {
    const authz = of('authz');
    expect(authz.subscribe.allow).toEqual([...Object.values(AuthzRpc).map((d) => `${d.subject} authz`), '_INBOX_authz.>'].sort());
    expect(authz.allowResponses).toBe(true);
    expect(authz.publish.allow.filter((s) => !s.startsWith('$JS.'))).toEqual([
      'dv.dlq.authz.>',
      'dv.evt.access-rule.created.v1',
      'dv.evt.access-rule.deleted.v1',
      'dv.evt.access-rule.refused.v1',
      'dv.evt.request.refused.v1',
    ]);
    expect(authz.publish.allow).toEqual(
      expect.arrayContaining([
        '$JS.API.INFO',
        '$JS.API.STREAM.INFO.DV_EVENTS',
        '$JS.API.STREAM.INFO.DV_DEAD_LETTERS',
        '$JS.API.CONSUMER.DURABLE.CREATE.PLATFORM_EVENTS.authz',
        '$JS.API.CONSUMER.MSG.NEXT.PLATFORM_EVENTS.authz',
        '$JS.ACK.PLATFORM_EVENTS.authz.>',
        '$JS.API.CONSUMER.CREATE.DV_EVENTS.*.>',
        '$JS.API.CONSUMER.MSG.NEXT.DV_EVENTS.*',
      ]),
    );
  });

  it('lets only the provisioner create or update a stream, and nobody delete or purge one', () => {
    for (const entry of NATS_PERMISSION_MANIFEST) {
      const { publish } = permissionsOf(entry, NATS_PERMISSION_MANIFEST);
      const managing = publish.allow.filter((s) => /^\$JS\.API\.STREAM\.(CREATE|UPDATE|DELETE|PURGE|MSG\.DELETE)\./.test(s));
      if (entry.client === 'provisioner') expect(managing.every((s) => /\.(CREATE|UPDATE)\./.test(s))).toBe(true);
      else expect([entry.client, managing]).toEqual([entry.client, []]);
    }
    expect(of('provisioner').publish.allow).toEqual(
      [
        '$JS.API.INFO',
        ...['DV_AUDIT', 'DV_DEAD_LETTERS', 'DV_EVENTS', 'PLATFORM_EVENTS'].flatMap((s) =>
          ['CREATE', 'INFO', 'UPDATE'].map((op) => `$JS.API.STREAM.${op}.${s}`),
        ),
      ].sort(),
    );
  });

  it('never grants the unnamed consumer create (it updates any durable) nor stream deletion', () => {
    for (const entry of NATS_PERMISSION_MANIFEST) {
      const { publish } = permissionsOf(entry, NATS_PERMISSION_MANIFEST);
      expect(publish.allow.filter((s) => /^\$JS\.API\.CONSUMER\.CREATE\.[^.]+$/.test(s))).toEqual([]);
      expect(publish.allow.filter((s) => /DELETE|PURGE/.test(s) && !s.startsWith('$JS.API.CONSUMER.DELETE.'))).toEqual([]);
    }
  });

  it('keeps the ordered consumers of a follower away from every durable of the stream', () => {
    const authz = of('authz');
    expect(authz.publish.deny).toEqual(
      expect.arrayContaining([
        '$JS.API.CONSUMER.CREATE.PLATFORM_EVENTS.volume',
        '$JS.API.CONSUMER.CREATE.PLATFORM_EVENTS.volume.>',
        '$JS.API.CONSUMER.MSG.NEXT.PLATFORM_EVENTS.audit',
        '$JS.API.CONSUMER.DELETE.DV_EVENTS.sharing',
        '$JS.API.CONSUMER.DELETE.PLATFORM_EVENTS.authz',
      ]),
    );
    expect(authz.publish.deny).not.toContain('$JS.API.CONSUMER.MSG.NEXT.PLATFORM_EVENTS.authz');
    expect(of('operator').publish.deny).toContain('$JS.API.CONSUMER.MSG.NEXT.PLATFORM_EVENTS.authz');
  });

  it('gives the platform publisher its event types and the streams’ info, and the operator calls and reads', () => {
    const publisher = of('platform-publisher');
    expect(publisher.allowResponses).toBe(false);
    expect(publisher.subscribe.allow).toEqual(['_INBOX_platform-publisher.>']);
    expect(publisher.publish.allow.filter((s) => !s.startsWith('$JS.')).every((s) => /^platform\.evt\.[a-z-]+\.[a-z]+\.v1$/.test(s))).toBe(true);
    const operator = of('operator');
    expect(operator.publish.allow).toContain(AuthzRpc.createAccessRule.subject);
    expect(operator.publish.allow.filter((s) => /STREAM\.(CREATE|UPDATE)|DURABLE|\$JS\.ACK|^dv\.evt|^platform\.evt|^dv\.dlq/.test(s))).toEqual([]);
  });

  it('writes nothing for a client that may do nothing', () => {
    const idle: NatsClientManifest = { ...manifestOf('gateway'), calls: [], publishes: [], follows: [] };
    const permissions = permissionsOf(idle, NATS_PERMISSION_MANIFEST);
    expect(permissions.publish.allow).toEqual([]);
    expect(permissions.subscribe.allow).toEqual(['_INBOX_gateway.>']);
  });
});
