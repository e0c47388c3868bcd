import { type AuditRecord } from '@dv/contracts';
import { hash } from 'node:crypto';
import { canonicalJson, jsonString } from './canonical-json';

/** The members of a record the chain fills in when it seals it. */
type ChainField = 'seq' | 'recordedAt' | 'prevHash' | 'hash';
/** The members an event gives (`details` as its canonical text). */
export type DraftFields = Omit<AuditRecord, ChainField | 'details'>;
type DraftField = keyof DraftFields | 'details';

/**
 * Every member of a record but `hash`, in canonical (sorted) order, split where the chain's own
 * members go: `prevHash` and `recordedAt` after BEFORE, `seq` after MIDDLE. A unit test holds this
 * to the record schema, so a member added to the contract cannot be left out of the hash.
 */
export const BEFORE_PREV_HASH = [
  'action',
  'clusterId',
  'details',
  'entityId',
  'entityName',
  'entityType',
  'eventType',
  'id',
] as const satisfies readonly DraftField[];
export const BEFORE_SEQ = ['relatedIds', 'requestId', 'result', 'scopeId', 'scopeType'] as const satisfies readonly DraftField[];
export const AFTER_SEQ = ['source', 'subject', 'subjectType', 'timestamp', 'traceId'] as const satisfies readonly DraftField[];

/** A draft's part of the canonical text, rendered once when the event arrives. */
export interface DraftText {
  /** `{"action":…` up to the last member before `prevHash` (no closing brace). */
  readonly before: string;
  /** `,"relatedIds":…` up to the last member before `seq`. */
  readonly middle: string;
  /** `,"source":…` to the end (no closing brace). */
  readonly after: string;
}

function render(fields: DraftFields, detailsJson: string, keys: readonly DraftField[], first: boolean): string {
  let out = '';
  for (const key of keys) {
    let text: string | undefined;
    if (key === 'details') text = detailsJson;
    else {
      const value = fields[key];
      if (value === undefined) continue;
      text = typeof value === 'string' ? jsonString(value) : canonicalJson(value);
    }
    out += first && out === '' ? `{${jsonString(key)}:${text}` : `,${jsonString(key)}:${text}`;
  }
  return out;
}

/** Renders the parts of the canonical text that come from the event. */
export function renderDraftText(fields: DraftFields, detailsJson: string): DraftText {
  return {
    before: render(fields, detailsJson, BEFORE_PREV_HASH, true),
    middle: render(fields, detailsJson, BEFORE_SEQ, false),
    after: render(fields, detailsJson, AFTER_SEQ, false),
  };
}

/**
 * The canonical JSON of the record without its hash (what the hash is taken over), from the draft's
 * rendered parts and the chain's members: the same text as `canonicalJson` of the record, without
 * walking it again.
 */
export function sealedText(draft: DraftText, seq: number, recordedAt: string, prevHash: string): string {
  return `${draft.before},"prevHash":${jsonString(prevHash)},"recordedAt":${jsonString(recordedAt)}${draft.middle},"seq":${seq}${draft.after}}`;
}

/** sha256 of the text's UTF-8 bytes, in hex (the one-shot API: no Hash object per record). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * The sealed record as published on DV_AUDIT and written to archives: its canonical text with `hash`
 * added as the last member. Take `hash` out and the rest is exactly the text that was hashed.
 */
export function sealedMessage(text: string, recordHash: string): string {
  return `${text.slice(0, -1)},"hash":${jsonString(recordHash)}}`;
}
