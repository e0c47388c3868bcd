import { type Cluster, type Department, type Group, type Project, type Tenant, type User } from '@dv/contracts';
import { type OrgKind } from './org-kinds';

interface EntityOf<K extends OrgKind, D> {
  kind: K;
  id: string;
  /** The payload of its created/updated events. */
  data: D;
  /** The version the file asks for, if any (see org-file.schema). */
  version: number | undefined;
  /** Where it is in the file (`projects[2]`), for messages. */
  path: string;
}

/** One entity of the org, as its events carry it. */
export type OrgEntity =
  | EntityOf<'tenant', Tenant>
  | EntityOf<'cluster', Cluster>
  | EntityOf<'department', Department>
  | EntityOf<'project', Project>
  | EntityOf<'group', Group>
  | EntityOf<'user', User>;

/** `project:p-a`: unique across kinds (a kind has no colon), the key of the state file. */
export function entityKey(kind: OrgKind, id: string): string {
  return `${kind}:${id}`;
}
