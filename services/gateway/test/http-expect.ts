import { waitFor } from '@dv/testing';
import { type GatewayHarness, type HttpAnswer } from './gateway-harness';

/** The platform's error body with this status. */
export function expectErrorBody(answer: { status: number; body: unknown }, status: number): void {
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body: expect.objectContaining({ code: status, message: expect.any(String) }) });
}

/** A 400 whose body names exactly these fields, in its message and its details. */
export function expectBadFields(answer: { status: number; body: unknown }, fields: string[]): void {
  expectErrorBody(answer, 400);
  const issues = ((answer.body as { details?: { issues?: { field: string }[] } }).details?.issues ?? []).map((i) => i.field);
  expect(issues).toEqual(fields);
  for (const field of fields) expect((answer.body as { message: string }).message).toContain(field);
}

/** A write's X-DV-Revision, parsed. */
export function revisionOf(answer: HttpAnswer): { events?: number; platform?: number } {
  const header = answer.headers.get('x-dv-revision');
  expect(header).toEqual(expect.any(String));
  return JSON.parse(header ?? '') as { events?: number; platform?: number };
}

export interface PublicVolume {
  id: string;
  name: string;
  status: { phase: string };
  sharedScopes?: { scopeType: string; scopeId: string; scopeName?: string; createdBy?: string }[];
}

/** Creates a volume over HTTP from a fresh Bound PVC of the project, and waits for it to be Ready. */
export async function readyVolume(h: GatewayHarness, token: string, name: string, projectId = 'p1'): Promise<PublicVolume> {
  await h.originPvc(h.namespaceOf(projectId), name);
  const created = await h.http('POST', '/api/v1/datavolumes', { token, body: { name, projectId, originPvcName: name } });
  expect(created.status).toBe(201);
  const id = (created.body as PublicVolume).id;
  return waitFor(
    async () => {
      const answer = await h.http('GET', `/api/v1/datavolumes/${id}`, { token });
      const volume = answer.body as PublicVolume;
      return answer.status === 200 && volume.status.phase === 'Ready' ? volume : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250, what: `volume ${name} to be Ready over HTTP` },
  );
}
