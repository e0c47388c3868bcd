import { AdmissionEvents, AuthzEvents, type EventDataInput, type EventDefinition, type EventEnvelope, SharingEvents, VolumeEvents } from '@dv/contracts';
import { SAMPLE_ENVELOPE, dataVolume, review, sharedScope } from '../../test/fixtures/contract-events';
import { CanonicalJsonError } from '../chain/canonical-json';
import { expectedHash } from '../chain/record-hash';
import { sealedMessage, sealedText, sha256Hex } from '../chain/record-text';
import { parseRecordText } from '../records/audit-record.model';
import { prepareDraft } from './chain-writer';
import { UnmappableEvent, eventToDraft } from './event-to-record';

/** sha256 of the canonical text of the known-answer record below (lone surrogates made U+FFFD in its members). */
const KNOWN_HASH = 'ff6be0ae37a403f3e58dd023524d8004f3059021434e3fa9c4e1fb384ba5154d'; // also computed apart, with Python's hashlib

const base: EventEnvelope = SAMPLE_ENVELOPE;

/** An envelope of a contract event, as the services publish it. */
function event<E extends EventDefinition>(def: E, data: EventDataInput<E>, extra: Partial<EventEnvelope> = {}): EventEnvelope {
  return { ...base, type: def.type, data: def.data.parse(data), ...extra };
}

describe('eventToDraft', () => {
  it('maps an unknown type generically from the envelope', () => {
    const d = eventToDraft({ ...base, type: 'dv.evt.dataset.created.v1', data: { name: 'imagenet', clusterId: 'c1', volumeId: 'v9' } });
    expect(d).toMatchObject({
      id: 'e1',
      timestamp: '2025-01-02T02:04:05.678Z',
      subject: 'dana@acme.example',
      subjectType: 'user',
      action: 'create',
      entityType: 'dataset',
      entityId: 'vol-1',
      entityName: 'imagenet',
      scopeType: 'project',
      scopeId: 'p1',
      clusterId: 'c1',
      relatedIds: ['v9'],
      result: 'Succeeded',
      requestId: 'r1',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      source: 'dv/volume',
      eventType: 'dv.evt.dataset.created.v1',
      detailsJson: '{"clusterId":"c1","name":"imagenet","volumeId":"v9"}',
    });
  });

  it('maps refusals and denials of unknown types Failed, a refusal with its operation as the action', () => {
    expect(eventToDraft({ ...base, type: 'dv.evt.quota.refused.v1', data: { operation: 'raise' } })).toMatchObject({ action: 'raise', result: 'Failed' });
    expect(eventToDraft({ ...base, type: 'dv.evt.quota.access.refused.v1' })).toMatchObject({ action: 'refuse', result: 'Failed' });
    expect(eventToDraft({ ...base, type: 'dv.evt.quota.checked.v1' })).toMatchObject({ action: 'checked', result: 'Succeeded' });
  });

  it('maps volume events from the volume in the data: id, name, cluster, and the volume as related', () => {
    const volume = dataVolume({ name: 'coco', clusterId: 'c7' });
    for (const [def, action] of [
      [VolumeEvents.created, 'create'],
      [VolumeEvents.ready, 'ready'],
      [VolumeEvents.notReady, 'not-ready'],
      [VolumeEvents.updated, 'update'],
      [VolumeEvents.deleting, 'delete'],
      [VolumeEvents.deleted, 'deleted'],
    ] as const) {
      expect(eventToDraft(event(def, { volume }, { subject: volume.id }))).toMatchObject({
        action,
        result: 'Succeeded',
        entityType: 'volume',
        entityId: volume.id,
        entityName: 'coco',
        clusterId: 'c7',
        relatedIds: [volume.id],
        scopeType: 'project',
        scopeId: 'p1',
      });
    }
  });

  it('maps sharing changes to the volume, with the shared scope in the details', () => {
    const volumeId = dataVolume().id;
    const scope = sharedScope('department', 'd1');
    const shared = eventToDraft(event(SharingEvents.shared, { volumeId, scope, sharedScopes: [scope] }, { subject: volumeId }));
    expect(shared).toMatchObject({ action: 'share', entityType: 'volume', entityId: volumeId, relatedIds: [volumeId], result: 'Succeeded' });
    expect(shared.details).toMatchObject({ scope: { scopeType: 'department', scopeId: 'd1' } });
    expect(eventToDraft(event(SharingEvents.unshared, { volumeId, scope, sharedScopes: [] }, { subject: volumeId }))).toMatchObject({
      action: 'unshare',
      relatedIds: [volumeId],
    });
  });

  it('maps workload decisions to the workload, with every volume it asked for as related', () => {
    const [v1, v2, v3] = [dataVolume().id, dataVolume().id, dataVolume().id];
    const admitted = eventToDraft(
      event(AdmissionEvents.admitted, { ...review([v1, v2], 'rita@acme.example'), bindings: [] }, { subject: 'review-1', actorid: 'rita@acme.example' }),
    );
    expect(admitted).toMatchObject({
      action: 'admit',
      result: 'Succeeded',
      entityType: 'workload',
      entityId: 'dv-p2/train-rita',
      entityName: 'train-rita',
      relatedIds: [v1, v2],
      subject: 'rita@acme.example',
    });
    const withId = review([v1], 'rita@acme.example');
    expect(eventToDraft(event(AdmissionEvents.admitted, { ...withId, workload: { ...withId.workload, workloadId: 'w-42' }, bindings: [] })).entityId).toBe(
      'w-42',
    );
    const denied = eventToDraft(
      event(AdmissionEvents.denied, {
        ...review([v1], 'eve@acme.example'),
        reasons: [
          { code: 'NOT_SHARED', message: 'no', volumeId: v1 },
          { code: 'VOLUME_NOT_FOUND', message: 'gone', volumeId: v3 },
        ],
      }),
    );
    expect(denied).toMatchObject({ action: 'admit', result: 'Failed', entityType: 'workload', relatedIds: [v1, v3] });
  });

  it('maps bindings, access rules and refusals of our contracts', () => {
    const volumeId = dataVolume().id;
    expect(eventToDraft(event(AdmissionEvents.bindingCreated, { volumeId, namespace: 'dv-p2', pvcName: 'dv-imagenet' }, { subject: 'b-1' }))).toMatchObject({
      action: 'create',
      entityType: 'binding',
      entityId: 'b-1',
      entityName: 'dv-p2/dv-imagenet',
      relatedIds: [volumeId],
    });
    expect(eventToDraft(event(AdmissionEvents.bindingRemoved, { volumeId, namespace: 'dv-p2', pvcName: 'dv-imagenet', reason: 'unshared' }))).toMatchObject({
      action: 'delete',
      entityType: 'binding',
    });

    expect(
      eventToDraft(
        event(VolumeEvents.refused, { operation: 'delete', code: 'PRECONDITION_FAILED', message: 'in use', volumeId, name: 'imagenet', clusterId: 'c1' }),
      ),
    ).toMatchObject({
      action: 'delete',
      result: 'Failed',
      entityType: 'volume',
      entityId: volumeId,
      entityName: 'imagenet',
      clusterId: 'c1',
      relatedIds: [volumeId],
    });
    expect(
      eventToDraft(
        event(SharingEvents.refused, { operation: 'share', code: 'FORBIDDEN', message: 'no', volumeId, add: [{ scopeType: 'project', scopeId: 'p9' }] }),
      ),
    ).toMatchObject({
      action: 'share',
      result: 'Failed',
      entityType: 'sharing-list',
      entityId: volumeId,
      relatedIds: [volumeId],
    });
    const rule = {
      id: 'a9',
      subjectType: 'user',
      subjectId: 'dana',
      roleId: 1,
      roleName: 'System administrator',
      scopeType: 'cluster',
      scopeId: 'c1',
      scopeName: 'C1',
      createdAt: 'now',
      createdBy: 'root',
      status: 'active',
    } as const;
    expect(eventToDraft(event(AuthzEvents.accessRuleCreated, rule, { subject: 'a9' }))).toMatchObject({
      action: 'create',
      entityType: 'access-rule',
      entityId: 'a9',
      entityName: 'dana is System administrator in C1',
      clusterId: 'c1',
    });
    expect(
      eventToDraft(
        event(
          AuthzEvents.accessRuleRefused,
          { operation: 'create', code: 'FORBIDDEN', message: 'no', subjectId: 'eve', scopeType: 'project', scopeId: 'p1' },
          { subject: undefined },
        ),
      ),
    ).toMatchObject({
      action: 'create',
      result: 'Failed',
      entityType: 'access-rule',
    });
  });

  it("maps the platform's org and workload events generically", () => {
    const { subject: _s, ...noSubject } = base;
    expect(
      eventToDraft({
        ...noSubject,
        type: 'platform.evt.project.created.v1',
        data: { projectId: 'p1', departmentId: 'd1', clusterId: 'c1', name: 'P1', namespace: 'dv-p1' },
      }),
    ).toMatchObject({
      action: 'create',
      entityType: 'project',
      entityId: 'p1',
      entityName: 'P1',
      clusterId: 'c1',
    });
    expect(
      eventToDraft({
        ...noSubject,
        type: 'platform.evt.workload.finished.v1',
        data: { workloadId: 'w1', name: 'train', kind: 'Job', projectId: 'p1', namespace: 'dv-p1', outcome: 'Succeeded' },
      }),
    ).toMatchObject({
      action: 'finish',
      entityType: 'workload',
      entityId: 'w1',
    });
  });

  it('refuses what it cannot record: a type outside the naming scheme, data breaking its contract, data too deep', () => {
    expect(() => eventToDraft({ ...base, type: 'dv.evt.volume' })).toThrow(/not <dv\|platform>/);
    expect(() => eventToDraft({ ...base, type: VolumeEvents.created.type, data: { name: 'no volume' } })).toThrow(UnmappableEvent);
    expect(() => eventToDraft({ ...base, type: VolumeEvents.created.type, data: { name: 'no volume' } })).toThrow(
      /does not match the dv.evt.volume.created.v1 contract: volume/,
    );
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(() => eventToDraft({ ...base, type: 'dv.evt.dataset.created.v1', data: deep })).toThrow(CanonicalJsonError);
  });

  it('records lone surrogates well-formed (U+FFFD) in its members and exactly in its details, with a known hash', () => {
    const envelope: EventEnvelope = {
      ...base,
      id: 'e-\udc00',
      type: AuthzEvents.accessRuleRefused.type,
      subject: 'rule-\ud800',
      actorid: 'dana\ud800',
      requestid: 'r\udfff1',
      data: { operation: 'delete', code: 'NOT_FOUND', message: 'access rule rule-\ud800 does not exist', ruleId: 'rule-\ud800' },
    };
    const draft = eventToDraft(envelope);
    expect(draft).toMatchObject({ id: 'e-\ufffd', subject: 'dana\ufffd', entityId: 'rule-\ufffd', requestId: 'r\ufffd1', action: 'delete', result: 'Failed' });
    // The details are the event's data as sent: the lone surrogate escaped, plain ASCII.
    expect(draft.detailsJson).toBe('{"code":"NOT_FOUND","message":"access rule rule-\\ud800 does not exist","operation":"delete","ruleId":"rule-\\ud800"}');
    expect(JSON.parse(draft.detailsJson)).toEqual(envelope.data);
    // A surrogate pair is left alone.
    expect(eventToDraft({ ...base, type: 'dv.evt.dataset.created.v1', actorid: 'dana\ud83d\ude00' }).subject).toBe('dana\u{1F600}');

    // Known answer: the canonical text and its sha256 are fixed, and the record as the database
    // gives it back (parsed from its stored text) hashes the same.
    const prepared = prepareDraft(draft);
    const prevHash = '0'.repeat(64);
    const text = sealedText(prepared.text, 7, '2025-01-02T02:04:06.000Z', prevHash);
    expect(text).toBe(
      '{"action":"delete","details":{"code":"NOT_FOUND","message":"access rule rule-\\ud800 does not exist","operation":"delete","ruleId":"rule-\\ud800"},' +
        '"entityId":"rule-\ufffd","entityType":"access-rule","eventType":"dv.evt.access-rule.refused.v1","id":"e-\ufffd","prevHash":"' +
        prevHash +
        '","recordedAt":"2025-01-02T02:04:06.000Z","requestId":"r\ufffd1","result":"Failed","scopeId":"p1","scopeType":"project","seq":7,"source":"dv/volume",' +
        '"subject":"dana\ufffd","subjectType":"user","timestamp":"2025-01-02T02:04:05.678Z","traceId":"0af7651916cd43dd8448eb211c80319c"}',
    );
    const hash = sha256Hex(text);
    expect(hash).toBe(KNOWN_HASH);
    // As stored (the sealed text with its hash last), read back, it hashes the same.
    expect(expectedHash(parseRecordText(sealedMessage(text, hash)))).toBe(hash);
  });
});
