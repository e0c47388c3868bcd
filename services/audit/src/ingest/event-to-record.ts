import { type AuditRecord, type AuditResult, type EventEnvelope } from '@dv/contracts';
import { canonicalJson } from '../chain/canonical-json';

/** What an event says, before the chain gives it a place: everything but seq, recordedAt and hashes. */
export type AuditDraft = Omit<AuditRecord, 'seq' | 'recordedAt' | 'prevHash' | 'hash' | 'details'> & {
  details: unknown;
  /** The canonical JSON of `details` (stored as is). */
  detailsJson: string;
};

interface KnownType {
  action?: string;
  entityType?: string;
  result?: AuditResult;
  name?: (data: Record<string, unknown>) => string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Types whose action or name the generic mapping would not get right. */
const KNOWN_TYPES: Readonly<Record<string, KnownType>> = {
  'dv.evt.access-rule.created.v1': { action: 'create', name: (d) => ruleName(d) },
  'dv.evt.access-rule.deleted.v1': { action: 'delete', name: (d) => ruleName(d) },
  'dv.evt.volume.shared.v1': { action: 'share' },
  'dv.evt.volume.unshared.v1': { action: 'unshare' },
  'dv.evt.workload.admitted.v1': { action: 'admit' },
  'dv.evt.workload.denied.v1': { action: 'admit', result: 'Failed' },
  'platform.evt.workload.started.v1': { action: 'start' },
  'platform.evt.workload.finished.v1': { action: 'finish' },
};

function ruleName(d: Record<string, unknown>): string | undefined {
  const who = str(d['subjectId']);
  const role = str(d['roleName']);
  const scope = str(d['scopeName']) ?? str(d['scopeId']);
  return who && role ? `${who} is ${role}${scope ? ` in ${scope}` : ''}` : undefined;
}

/** Past-tense event names and the action the reference would show. */
const VERBS: Readonly<Record<string, string>> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
  deleting: 'delete',
  shared: 'share',
  unshared: 'unshare',
  admitted: 'admit',
  denied: 'deny',
  refused: 'refuse',
  rejected: 'reject',
  started: 'start',
  finished: 'finish',
};
const FAILED_EVENTS = new Set(['denied', 'refused', 'rejected', 'failed']);

const TYPE_PATTERN = /^(dv|platform)\.evt\.([a-z0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9.-]*)\.v(\d+)$/;

export class UnmappableEvent extends Error {}

/**
 * Maps any event of our or the platform's streams to an audit draft, generically from the
 * CloudEvents envelope (type `dv.evt.<entity>.<event>.v1` → entity type and action, actor →
 * subject, scope, request id, trace id, subject → entity id, `data.name` → entity name), with a
 * small table of known types for precise actions. Refusals and denials are `Failed`.
 */
export function eventToDraft(envelope: EventEnvelope): AuditDraft {
  const match = TYPE_PATTERN.exec(envelope.type);
  if (!match) throw new UnmappableEvent(`event type ${envelope.type} is not <dv|platform>.evt.<entity>.<event>.v<n>`);
  const entity = match[2] as string;
  const event = match[3] as string;
  const known = KNOWN_TYPES[envelope.type] ?? {};
  const data = typeof envelope.data === 'object' && envelope.data !== null && !Array.isArray(envelope.data) ? (envelope.data as Record<string, unknown>) : {};
  const lastWord = event.split('.').pop() ?? event;
  const failed = FAILED_EVENTS.has(lastWord) || event.split('.').some((w) => FAILED_EVENTS.has(w));

  const entityId = str(envelope.subject) ?? str(data[`${camel(entity)}Id`]) ?? str(data['id']);
  const entityName = known.name?.(data) ?? str(data['name']);
  const clusterId = str(data['clusterId']) ?? (envelope.scopetype === 'cluster' ? envelope.scopeid : undefined);
  const traceId = envelope.traceparent ? /^[0-9a-f]{2}-([0-9a-f]{32})-/.exec(envelope.traceparent)?.[1] : undefined;
  const details = envelope.data === undefined ? null : envelope.data;

  const draft: AuditDraft = {
    id: envelope.id,
    timestamp: new Date(envelope.time).toISOString(),
    subject: envelope.actorid,
    subjectType: envelope.actortype,
    action: known.action ?? VERBS[lastWord] ?? lastWord,
    entityType: known.entityType ?? entity,
    result: known.result ?? (failed ? 'Failed' : 'Succeeded'),
    source: envelope.source,
    eventType: envelope.type,
    details,
    detailsJson: canonicalJson(details),
  };
  if (entityId !== undefined) draft.entityId = entityId;
  if (entityName !== undefined) draft.entityName = entityName;
  if (envelope.scopetype !== undefined) draft.scopeType = envelope.scopetype;
  if (envelope.scopeid !== undefined) draft.scopeId = envelope.scopeid;
  if (clusterId !== undefined) draft.clusterId = clusterId;
  if (envelope.requestid !== undefined) draft.requestId = envelope.requestid;
  if (traceId !== undefined) draft.traceId = traceId;
  return draft;
}

function camel(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
