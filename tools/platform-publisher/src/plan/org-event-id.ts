import { createHash } from 'node:crypto';
import { type OrgKind } from '../org/org-kinds';

export type OrgAction = 'created' | 'updated' | 'deleted';

const MAX_EVENT_ID = 128;

/**
 * A deterministic event id (also the `Nats-Msg-Id`): the same entity, action, version and content
 * always give the same id, so re-running an unchanged file is de-duplicated by JetStream.
 * Readable (`pp:project:created:v1:<hash16>:p-a`); an id too long for the envelope is hashed.
 */
export function orgEventId(kind: OrgKind, id: string, action: OrgAction, version: number, hash: string): string {
  const prefix = `pp:${kind}:${action}:v${version}:${hash.slice(0, 16)}:`;
  const full = prefix + id;
  if (full.length <= MAX_EVENT_ID) return full;
  return `${prefix}#${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}
