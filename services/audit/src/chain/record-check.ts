import { type AuditRecord, type AuditRpc, type RpcReplyInput } from '@dv/contracts';
import { sha256Hex } from './record-text';
import { type ChainPoint } from './chain-head';

type FirstBad = NonNullable<RpcReplyInput<typeof AuditRpc.verify>['firstBad']>;
export type { FirstBad };

const HASH_MEMBER = ',"hash":"';
/** `,"hash":"` + 64 hex + `"}`. */
const HASH_SUFFIX_LENGTH = HASH_MEMBER.length + 64 + 2;

/** A stored text read back: the record it says, and whether its hash is the sha256 of the rest. */
export interface CheckedText {
  record: AuditRecord | undefined;
  hashMatches: boolean;
}

/**
 * The stored form is the sealed text with `hash` added last (DV_AUDIT's form): take the hash member
 * out and the rest is exactly what was hashed, so checking a record is one sha256, no re-rendering.
 */
export function checkText(text: string): CheckedText {
  let record: AuditRecord | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) record = parsed as AuditRecord;
  } catch {
    return { record: undefined, hashMatches: false };
  }
  const at = text.length - HASH_SUFFIX_LENGTH;
  const hashMatches =
    record !== undefined && typeof record.hash === 'string' && at > 0 && text.startsWith(HASH_MEMBER, at) && sha256Hex(`${text.slice(0, at)}}`) === record.hash;
  return { record, hashMatches };
}

/** The seq and hash a stored text says (no check), or undefined when it is not a record. */
export function readRecordPoint(text: string): ChainPoint | undefined {
  try {
    const r = JSON.parse(text) as Partial<AuditRecord>;
    return typeof r.seq === 'number' && typeof r.hash === 'string' ? { seq: r.seq, hash: r.hash } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The problem a stored record shows against its predecessor, or undefined when it links. `position`
 * is the seq its place in the store gives it (used when the text says none).
 */
export function checkLink(checked: CheckedText, position: number, prev: ChainPoint | undefined): FirstBad | undefined {
  const doc = checked.record;
  if (!doc) return { seq: position, problem: 'changed', message: `record ${position} is not a record any more: its content was changed` };
  if (prev) {
    const expected = prev.seq + 1;
    if (typeof doc.seq !== 'number' || !Number.isInteger(doc.seq) || doc.seq < expected) {
      return {
        seq: doc.seq,
        problem: 'inserted',
        id: String(doc.id),
        message: `record ${String(doc.id)} has seq ${String(doc.seq)} where ${expected} was expected: it was not sealed by the chain`,
      };
    }
    if (doc.seq > expected) {
      return { seq: expected, problem: 'removed', message: `records ${expected}${doc.seq - 1 > expected ? `..${doc.seq - 1}` : ''} are missing` };
    }
  }
  if (!checked.hashMatches) {
    return { seq: doc.seq, problem: 'changed', id: String(doc.id), message: `record ${doc.seq} does not match its hash: its content was changed` };
  }
  if (prev && doc.prevHash !== prev.hash) {
    // Self-consistent but not what the next record sealed: the predecessor was rewritten, hash and all.
    return { seq: prev.seq, problem: 'changed', message: `record ${prev.seq} is not the record that ${doc.seq} was chained to: it was replaced or rewritten` };
  }
  return undefined;
}
