import { AuthzRpc } from '@dv/contracts';
import { type RpcClient } from '@dv/messaging';
import { KUBE_ADMIN_USER } from '@dv/testing';
import { LOCAL_ADMIN } from './services';

/** The predefined role a data admin holds (roles.json). */
export const DATA_VOLUME_ADMINISTRATOR = 2256;

/** Access rules for the example org, granted by the operator, so the local system can be tried at once. */
const RULES = [
  { subjectType: 'user', subjectId: 'dana@acme.example', roleId: DATA_VOLUME_ADMINISTRATOR, scopeType: 'tenant', scopeId: 'tenant-acme' },
  { subjectType: 'group', subjectId: 'vision-team', roleId: 5, scopeType: 'department', scopeId: 'dept-vision' },
  { subjectType: 'group', subjectId: 'researchers', roleId: 8, scopeType: 'cluster', scopeId: 'cluster-east' },
  { subjectType: 'user', subjectId: 'carol@acme.example', roleId: 5, scopeType: 'project', scopeId: 'proj-c' },
  // The local kubeconfig's user (tmp/local.env): a workload it submits with kubectl is reviewed as this subject.
  { subjectType: 'user', subjectId: KUBE_ADMIN_USER, roleId: 5, scopeType: 'tenant', scopeId: 'tenant-acme' },
] as const;

export async function grantDemoAccessRules(client: RpcClient, atLeastPlatform: number): Promise<string[]> {
  const identity = { subjectId: LOCAL_ADMIN, subjectType: 'user' as const };
  const lines: string[] = [];
  // Wait until authz has the org, then grant (a rule that exists already is fine).
  await client.call(AuthzRpc.myAccessRules, { atLeast: { platform: atLeastPlatform } }, { identity, timeoutMs: 15_000 });
  for (const rule of RULES) {
    const reply = await client.request(AuthzRpc.createAccessRule, rule, { identity });
    lines.push(
      `${rule.subjectType} ${rule.subjectId} → role ${rule.roleId} in ${rule.scopeType} ${rule.scopeId}: ${reply.ok ? 'granted' : reply.error.code === 'CONFLICT' ? 'already granted' : reply.error.message}`,
    );
  }
  return lines;
}
