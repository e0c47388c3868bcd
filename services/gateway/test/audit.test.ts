import { type IdentityInput, VolumeRpc } from '@dv/contracts';
import { type DevIdentityProvider, startDevIdentityProvider, waitFor } from '@dv/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayHarness } from './gateway-harness';
import { expectBadFields, expectErrorBody, readyVolume } from './http-expect';
import { userToken } from './oidc-client';

/**
 * The audit log over HTTP (decision 0022): `/api/v1/audit/log` with the reference's names and paging,
 * `/log/file` streamed chunk by chunk (a chunk of 7 records here, so every download is many chunks),
 * and the extensions `/api/dv/v1/audit/verify` and `/head`; the audit service runs as a process.
 */
const h = new GatewayHarness();
let idp: DevIdentityProvider;
let dir: string;
let dana: string; // data-admins: Data volume administrator in t1, no audit rights
let oscar: string; // Cloud support at system scope: reads the audit log (events-history)

const CHUNK = 7;
const DATA_VOLUME_ADMINISTRATOR = 2256;
const CLOUD_SUPPORT = 1709;
const MALLORY: IdentityInput = { subjectId: 'mallory', subjectType: 'user' };
const START = new Date(Date.now() - 3_600_000).toISOString();
const FAR_END = '2100-01-01T00:00:00Z';
const RANGE = `start=${encodeURIComponent(START)}&end=${encodeURIComponent(FAR_END)}`;

interface AuditLog {
  id: string;
  subject: string;
  action: string;
  entity_id: string | null;
  metadata: { seq: number; hash: string };
}
interface AuditPage {
  total: number;
  next?: number;
  audit_logs: AuditLog[];
}

const RECORD_FIELDS = [
  'action',
  'cluster',
  'cluster_id',
  'cluster_name',
  'entity_id',
  'entity_name',
  'entity_type',
  'http_method',
  'http_status_code',
  'id',
  'metadata',
  'request_id',
  'result',
  'source_ip',
  'subject',
  'subject_type',
  'tenant_id',
  'timestamp',
  'url',
];

async function log(query: string, token = oscar): Promise<AuditPage> {
  const answer = await h.http('GET', `/api/v1/audit/log?${RANGE}&${query}`, { token });
  expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: expect.objectContaining({ total: expect.any(Number) }) });
  return answer.body as AuditPage;
}

/** Waits until the log holds at least `n` records and no more are coming. */
async function settled(n: number): Promise<number> {
  let last = -1;
  return waitFor(
    async () => {
      const { total } = await log('numberOfSamples=1');
      const done = total >= n && total === last;
      last = total;
      return done ? total : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `at least ${n} audit records, and no more coming` },
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dv-gateway-audit-'));
  idp = await startDevIdentityProvider({ dir });
  await h.startWithGateway(idp, { GATEWAY_AUDIT_EXPORT_CHUNK_RECORDS: String(CHUNK) });
  await h.grant('group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'tenant', 't1');
  await h.grant('user', 'oscar@acme.example', CLOUD_SUPPORT, 'system', 'system');
  dana = await userToken(idp, 'dana@acme.example');
  oscar = await userToken(idp, 'oscar@acme.example');
}, 30 * 60_000);

afterAll(async () => {
  await h.stopPlatform();
  await idp?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('GET /api/v1/audit/log', () => {
  let volumeId: string;

  it("returns a volume's story in the reference's record shape", async () => {
    const volume = await readyVolume(h, dana, 'imagenet');
    volumeId = volume.id;
    const shared = await h.http('PATCH', `/api/v1/datavolumes/${volume.id}/sharedScopes`, {
      token: dana,
      body: { add: [{ scopeType: 'department', scopeId: 'd1' }] },
    });
    expect(shared.status).toBe(200);
    const story = await waitFor(
      async () => {
        const page = await log(`filterBy=entity_id==${volume.id}&sortBy=seq&sortOrder=asc&numberOfSamples=100`);
        return page.audit_logs.some((r) => r.action === 'share') ? page : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 300, what: 'the share to be audited' },
    );
    expect(story.audit_logs.map((r) => r.action)).toEqual(expect.arrayContaining(['create', 'ready', 'share']));
    const created = story.audit_logs.find((r) => r.action === 'create') as AuditLog;
    expect(Object.keys(created).sort()).toEqual(RECORD_FIELDS);
    expect(created).toMatchObject({
      subject: 'dana@acme.example',
      subject_type: 'user',
      entity_type: 'volume',
      entity_id: volume.id,
      entity_name: 'imagenet',
      result: 'Succeeded',
      cluster_id: 'c1',
      request_id: expect.any(String),
      source_ip: null,
      http_method: null,
      url: null,
      http_status_code: null,
      tenant_id: null,
      metadata: expect.objectContaining({
        seq: expect.any(Number),
        scope_type: 'project',
        scope_id: 'p1',
        related_ids: [volume.id],
        event_type: 'dv.evt.volume.created.v1',
      }),
    });
    // Sorted by seq, the chain links each record to the one before.
    const seqs = story.audit_logs.map((r) => r.metadata.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('pages with offset and numberOfSamples (default 20), next being the offset of the next page', async () => {
    const all = await log(`filterBy=related_ids==${volumeId}&sortBy=seq`);
    expect(all.total).toBeGreaterThan(2);
    const first = await log(`filterBy=related_ids==${volumeId}&sortBy=seq&numberOfSamples=2`);
    expect(first).toMatchObject({ total: all.total, next: 2 });
    const rest = await log(`filterBy=related_ids==${volumeId}&sortBy=seq&offset=2&numberOfSamples=1000`);
    expect(rest.next).toBeUndefined();
    expect([...first.audit_logs, ...rest.audit_logs].map((r) => r.id)).toEqual(all.audit_logs.map((r) => r.id));
  });

  it('answers up to 1000 records in one page (two calls of the service, which pages at 500)', async () => {
    // Refused writes are audited too: 520 of them over NATS make a log longer than one service page.
    for (let i = 0; i < 13; i++) {
      await Promise.all(
        Array.from({ length: 40 }, (_, k) =>
          h.client.call(VolumeRpc.create, { name: `nope-${i}-${k}`, projectId: 'p1', originPvcName: 'nope' }, { identity: MALLORY }).catch(() => undefined),
        ),
      );
    }
    const total = await settled(520);
    const page = await log('sortBy=seq&numberOfSamples=1000');
    expect(page.total).toBe(total);
    expect(page.audit_logs.length).toBe(Math.min(total, 1000));
    const seqs = page.audit_logs.map((r) => r.metadata.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const second = await log('sortBy=seq&numberOfSamples=500&offset=500');
    expect(page.audit_logs.slice(500).map((r) => r.id)).toEqual(second.audit_logs.map((r) => r.id));
    expect((await log('filterBy=subject==mallory&numberOfSamples=1')).total).toBe(520);
  });

  it('answers a range that ends before it starts as empty, to readers of the log only', async () => {
    const inverted = `start=${FAR_END}&end=${encodeURIComponent(START)}`;
    expect(await h.http('GET', `/api/v1/audit/log?${inverted}`, { token: oscar })).toMatchObject({ status: 200, body: { total: 0, audit_logs: [] } });
    const file = await h.download(`/api/v1/audit/log/file?${inverted}&file_type=JSON`, oscar);
    expect([file.status, JSON.parse(file.text)]).toEqual([200, []]);
    expectErrorBody(await h.http('GET', `/api/v1/audit/log?${inverted}`, { token: dana }), 403);
    expect((await h.download(`/api/v1/audit/log/file?${inverted}&file_type=CSV`, dana)).status).toBe(403);
  });

  it('refuses bad queries naming the parameter, and callers without events-history read', async () => {
    const get = (query: string) => h.http('GET', `/api/v1/audit/log?${query}`, { token: oscar });
    expectBadFields(await get(`end=${FAR_END}`), ['start']);
    expectBadFields(await get(`start=yesterday&end=${FAR_END}`), ['start']);
    expectBadFields(await get(`${RANGE}&numberOfSamples=1001`), ['numberOfSamples']);
    expectBadFields(await get(`${RANGE}&numberOfSamples=0`), ['numberOfSamples']);
    expectBadFields(await get(`${RANGE}&offset=-1`), ['offset']);
    expectBadFields(await get(`${RANGE}&sortBy=entityId`), ['sortBy']);
    expectBadFields(await get(`${RANGE}&filterBy=bogus==1`), ['filterBy[0]']);
    expectBadFields(await get(`${RANGE}&filterBy=subject~~x`), ['filterBy[0]']);
    expectBadFields(await get(`${RANGE}&limit=5`), ['limit']);
    expectErrorBody(await h.http('GET', `/api/v1/audit/log?${RANGE}`, { token: dana }), 403);
  });
});

describe('GET /api/v1/audit/log/file', () => {
  it('streams the range as CSV, many chunks, every record once, as an attachment', async () => {
    const total = await settled(520);
    expect(total).toBeGreaterThan(CHUNK * 3);
    const file = await h.download(`/api/v1/audit/log/file?${RANGE}&file_type=CSV`, oscar);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="audit-log.csv"');
    const rows = file.text.split('\r\n').filter((row) => row !== '');
    expect(rows[0]).toBe(
      'id,timestamp,subject,subject_type,source_ip,action,http_method,url,entity_type,entity_name,entity_id,result,http_status_code,cluster,cluster_id,cluster_name,tenant_id,request_id,metadata',
    );
    expect(rows.length - 1).toBe(total);
    const ids = rows.slice(1).map((row) => row.slice(0, row.indexOf(',')));
    expect(new Set(ids).size).toBe(total);
  });

  it('streams it as one JSON array in chain order, the records of /log', async () => {
    const total = await settled(520);
    const file = await h.download(`/api/v1/audit/log/file?${RANGE}&file_type=JSON`, oscar);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^application\/json/);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="audit-log.json"');
    const records = JSON.parse(file.text) as AuditLog[];
    expect(records.length).toBe(total);
    const seqs = records.map((r) => r.metadata.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const page = await log('sortBy=seq&numberOfSamples=1000');
    expect(records.slice(0, 1000)).toEqual(page.audit_logs);
  });

  it('applies the filters and search of /log', async () => {
    const dana_ = await log('filterBy=subject==dana@acme.example&numberOfSamples=1');
    expect(dana_.total).toBeGreaterThan(0);
    const file = await h.download(`/api/v1/audit/log/file?${RANGE}&file_type=JSON&filterBy=subject==dana@acme.example`, oscar);
    const records = JSON.parse(file.text) as AuditLog[];
    expect(records.length).toBe(dana_.total);
    expect(new Set(records.map((r) => r.subject))).toEqual(new Set(['dana@acme.example']));
    const searched = await log('search=imagenet&numberOfSamples=1');
    const found = JSON.parse((await h.download(`/api/v1/audit/log/file?${RANGE}&file_type=JSON&search=imagenet`, oscar)).text) as AuditLog[];
    expect(found.length).toBe(searched.total);
  });

  it('refuses bad queries before sending anything, and callers without the right', async () => {
    const get = (query: string) => h.http('GET', `/api/v1/audit/log/file?${query}`, { token: oscar });
    expectBadFields(await get(`${RANGE}&file_type=XML`), ['file_type']);
    expectBadFields(await get(RANGE), ['file_type']);
    expectBadFields(await get(`${RANGE}&file_type=CSV&sortBy=timestamp`), ['sortBy']);
    expectBadFields(await get(`${RANGE}&file_type=CSV&filterBy=nope==1`), ['filterBy[0]']);
    expectErrorBody(await h.http('GET', `/api/v1/audit/log/file?${RANGE}&file_type=CSV`, { token: dana }), 403);
  });
});

describe('the chain: /api/dv/v1/audit/verify and /head', () => {
  it('verifies the chain, and names its head with the hash of the last record', async () => {
    await settled(520);
    const verify = await h.http('GET', '/api/dv/v1/audit/verify', { token: oscar });
    expect(verify).toMatchObject({ status: 200, body: { ok: true, fromSeq: 1, base: { seq: 0 } } });
    const verdict = verify.body as { toSeq: number; checked: number };
    expect(verdict.checked).toBe(verdict.toSeq);
    const head = await h.http('GET', '/api/dv/v1/audit/head', { token: oscar });
    expect(head.status).toBe(200);
    const { seq, hash } = head.body as { seq: number; hash: string };
    expect(seq).toBeGreaterThanOrEqual(verdict.toSeq);
    const last = await log(`filterBy=seq==${seq}`);
    expect(last.audit_logs.map((r) => r.metadata.hash)).toEqual([hash]);
    const part = await h.http('GET', '/api/dv/v1/audit/verify?fromSeq=2&toSeq=5&againstStream=true', { token: oscar });
    expect(part).toMatchObject({ status: 200, body: { ok: true, fromSeq: 2, toSeq: 5, checked: 4 } });
  });

  it('answers an inverted range as empty and verified, refuses bad parameters by name, and callers without the right', async () => {
    expect(await h.http('GET', '/api/dv/v1/audit/verify?fromSeq=5&toSeq=2', { token: oscar })).toMatchObject({
      status: 200,
      body: { ok: true, checked: 0, fromSeq: 5, toSeq: 2, base: { seq: 0 } },
    });
    expectErrorBody(await h.http('GET', '/api/dv/v1/audit/verify?fromSeq=5&toSeq=2', { token: dana }), 403);
    expectBadFields(await h.http('GET', `/api/v1/audit/log?${RANGE}&filterBy=seq==abc`, { token: oscar }), ['filterBy[0]']);
    expectBadFields(await h.http('GET', `/api/v1/audit/log?${RANGE}&filterBy=timestamp>=yesterday`, { token: oscar }), ['filterBy[0]']);
    expectBadFields(await h.http('GET', '/api/dv/v1/audit/verify?fromSeq=0', { token: oscar }), ['fromSeq']);
    expectBadFields(await h.http('GET', '/api/dv/v1/audit/verify?againstStream=yes', { token: oscar }), ['againstStream']);
    expectErrorBody(await h.http('GET', '/api/dv/v1/audit/verify', { token: dana }), 403);
    expectErrorBody(await h.http('GET', '/api/dv/v1/audit/head', { token: dana }), 403);
  });
});
