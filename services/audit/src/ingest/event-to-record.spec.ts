import { type EventEnvelope } from '@dv/contracts';
import { eventToDraft } from './event-to-record';

const base: EventEnvelope = {
  specversion: '1.0',
  id: 'e1',
  source: 'dv/volume',
  type: 'dv.evt.volume.created.v1',
  time: '2025-01-02T03:04:05.678+01:00',
  subject: 'vol-1',
  datacontenttype: 'application/json',
  actorid: 'dana@acme.example',
  actortype: 'user',
  scopetype: 'project',
  scopeid: 'p1',
  requestid: 'r1',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  data: { name: 'imagenet', clusterId: 'c1' },
};

describe('eventToDraft', () => {
  it('maps the envelope generically', () => {
    const d = eventToDraft(base);
    expect(d).toMatchObject({
      id: 'e1',
      timestamp: '2025-01-02T02:04:05.678Z',
      subject: 'dana@acme.example',
      subjectType: 'user',
      action: 'create',
      entityType: 'volume',
      entityId: 'vol-1',
      entityName: 'imagenet',
      scopeType: 'project',
      scopeId: 'p1',
      clusterId: 'c1',
      result: 'Succeeded',
      requestId: 'r1',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      source: 'dv/volume',
      eventType: 'dv.evt.volume.created.v1',
      detailsJson: '{"clusterId":"c1","name":"imagenet"}',
    });
  });
  it('marks refusals and denials Failed and keeps unknown event names as the action', () => {
    expect(eventToDraft({ ...base, type: 'dv.evt.volume.access.refused.v1' })).toMatchObject({ action: 'refuse', result: 'Failed' });
    expect(eventToDraft({ ...base, type: 'dv.evt.workload.denied.v1' })).toMatchObject({ action: 'admit', result: 'Failed', entityType: 'workload' });
    expect(eventToDraft({ ...base, type: 'dv.evt.volume.ready.v1' })).toMatchObject({ action: 'ready', result: 'Succeeded' });
  });
  it('takes the entity id from the data when the envelope has no subject', () => {
    const { subject: _s, ...noSubject } = base;
    expect(eventToDraft({ ...noSubject, type: 'platform.evt.access-rule.created.v1', data: { accessRuleId: 'a9' } }).entityId).toBe('a9');
  });
  it('refuses a type outside the event naming scheme', () => {
    expect(() => eventToDraft({ ...base, type: 'dv.evt.volume' })).toThrow(/not <dv\|platform>/);
  });
});
