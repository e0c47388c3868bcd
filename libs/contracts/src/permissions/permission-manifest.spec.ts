import { AUDIT_STREAM } from '../audit/audit-stream';
import { AuthzEvents } from '../authz/authz-events';
import { AuthzRpc } from '../authz/authz-rpc';
import { RequestEvents } from '../events/request-events';
import { STREAMS } from '../streams';
import { NATS_CLIENTS, isNatsClientName, natsInboxPrefix, natsPasswordVariable } from './nats-clients';
import { NATS_PERMISSION_MANIFEST, manifestOf } from './permission-manifest';

/** NATS subject matching: `*` one token, `>` the rest (one token or more). */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

const STREAM_SUBJECTS: Record<string, readonly string[]> = {
  ...Object.fromEntries(Object.values(STREAMS).map((s) => [s.name, s.subjects])),
  [AUDIT_STREAM.name]: AUDIT_STREAM.subjects,
};

describe('NATS permission manifest', () => {
  it('has one entry per NATS client', () => {
    expect(NATS_PERMISSION_MANIFEST.map((m) => m.client).sort()).toEqual([...NATS_CLIENTS].sort());
    expect(isNatsClientName('authz')).toBe(true);
    expect(isNatsClientName('mallory')).toBe(false);
  });

  it('takes the running services’ subjects from their contracts', () => {
    const authz = manifestOf('authz');
    expect(authz.status).toBe('running');
    expect(authz.serves).toEqual(Object.values(AuthzRpc).map((d) => d.subject));
    // Its own events, and the transport's refusals of its audited subjects.
    expect(authz.publishes).toEqual([...Object.values(AuthzEvents), RequestEvents.refused].map((e) => e.type));
  });

  it('lets only the gateway and the operator call the services from outside (the webhook is the admission service itself)', () => {
    const services = new Set(NATS_PERMISSION_MANIFEST.filter((m) => m.serves.length > 0).map((m) => m.client));
    const served = NATS_PERMISSION_MANIFEST.flatMap((m) => m.serves);
    const outsideCallers = NATS_PERMISSION_MANIFEST.filter(
      (m) => !services.has(m.client) && m.calls.some((c) => served.some((s) => matches(s, c) || matches(c, s))),
    );
    expect(outsideCallers.map((m) => m.client).sort()).toEqual(['gateway', 'operator']);
    // And no client may call a subject nobody serves (a typo would be a silent hole or a dead permission).
    for (const entry of NATS_PERMISSION_MANIFEST)
      for (const c of entry.calls) expect([entry.client, c, served.some((s) => matches(s, c))]).toEqual([entry.client, c, true]);
  });

  it('gives every RPC subject one server, and every durable consumer one owner', () => {
    const servers = new Map<string, string>();
    for (const entry of NATS_PERMISSION_MANIFEST) {
      for (const subject of entry.serves) {
        const other = [...servers].find(([s]) => matches(s, subject) || matches(subject, s));
        expect([subject, other?.[1]]).toEqual([subject, undefined]);
        servers.set(subject, entry.client);
      }
    }
    const durables = NATS_PERMISSION_MANIFEST.flatMap((e) => e.consumes.map((c) => `${c.stream}/${c.durable}`));
    expect(new Set(durables).size).toBe(durables.length);
    for (const entry of NATS_PERMISSION_MANIFEST) for (const c of entry.consumes) expect(c.durable).toBe(entry.client);
  });

  it('publishes events only where a stream stores them, and consumes only streams that exist', () => {
    for (const entry of NATS_PERMISSION_MANIFEST) {
      for (const type of entry.publishes) {
        const stored = Object.values(STREAM_SUBJECTS).some((subjects) => subjects.some((s) => matches(s, type)));
        expect([entry.client, type, stored]).toEqual([entry.client, type, true]);
      }
      for (const stream of [...entry.follows, ...entry.provisions, ...entry.consumes.map((c) => c.stream)]) expect(STREAM_SUBJECTS[stream]).toBeDefined();
    }
  });

  it('lets the gateway call only what the services serve, the operator all of it, and nobody publish platform events but the publisher', () => {
    const served = NATS_PERMISSION_MANIFEST.flatMap((e) => e.serves);
    expect(manifestOf('gateway').calls.filter((s) => !served.includes(s))).toEqual([]);
    expect(manifestOf('gateway').calls).toEqual(expect.arrayContaining(['dv.volume.list-page', 'dv.volume.create', 'dv.volume.get']));
    expect(manifestOf('operator').calls).toEqual(NATS_PERMISSION_MANIFEST.filter((e) => e.status === 'running').flatMap((e) => e.serves));
    for (const entry of NATS_PERMISSION_MANIFEST) {
      if (entry.client === 'platform-publisher') continue;
      expect(entry.publishes.filter((t) => t.startsWith('platform.'))).toEqual([]);
    }
  });

  it('names inbox prefixes and password variables after the client', () => {
    expect(natsInboxPrefix('authz')).toBe('_INBOX_authz');
    expect(natsPasswordVariable('workload-admission')).toBe('DV_NATS_WORKLOAD_ADMISSION_PASSWORD');
    expect(natsPasswordVariable('platform-publisher')).toBe('DV_NATS_PLATFORM_PUBLISHER_PASSWORD');
  });
});
