import {
  AdmissionEvents,
  type AuditRecord,
  type AuditResult,
  AuthzEvents,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
  SharingEvents,
  VolumeEvents,
  summarizeIssues,
} from '@dv/contracts';
import { canonicalJson } from '../chain/canonical-json';

/** What an event says, before the chain gives it a place: everything but seq, recordedAt and hashes. */
export type AuditDraft = Omit<AuditRecord, 'seq' | 'recordedAt' | 'prevHash' | 'hash' | 'details'> & {
  details: unknown;
  /** The canonical JSON of `details` (stored as is). */
  detailsJson: string;
};

/** An event the audit log cannot record (it is dead-lettered with this message as the reason). */
export class UnmappableEvent extends Error {}

/** What a contract's mapping says beyond the envelope. */
interface Mapped {
  action?: string;
  result?: AuditResult;
  entityType?: string;
  entityId?: string | undefined;
  entityName?: string | undefined;
  clusterId?: string | undefined;
  relatedIds?: readonly (string | undefined)[];
}

interface ContractMapping {
  readonly def: EventDefinition;
  readonly map: (data: unknown, envelope: EventEnvelope) => Mapped;
}

/** A mapping typed by the contract: its data is parsed with the contract's schema first. */
function mapping<E extends EventDefinition>(def: E, map: (data: EventData<E>, envelope: EventEnvelope) => Mapped): ContractMapping {
  return {
    def,
    map: (raw, envelope) => {
      const parsed = def.data.safeParse(raw);
      if (!parsed.success) throw new UnmappableEvent(`data does not match the ${def.type} contract: ${summarizeIssues(parsed.error)}`);
      return map(parsed.data as EventData<E>, envelope);
    },
  };
}

type VolumeEvent = (typeof VolumeEvents)[Exclude<keyof typeof VolumeEvents, 'refused'>];
const volumeChange = (def: VolumeEvent, action: string): ContractMapping =>
  mapping(def, ({ volume }) => ({
    action,
    entityType: 'volume',
    entityId: volume.id,
    entityName: volume.name,
    clusterId: volume.clusterId,
    relatedIds: [volume.id],
  }));

type SharingChange = typeof SharingEvents.shared | typeof SharingEvents.unshared;
const sharingChange = (def: SharingChange, action: string): ContractMapping =>
  mapping(def, (d, e) => ({
    action,
    entityType: 'volume',
    entityId: d.volumeId,
    clusterId: e.scopetype === 'cluster' ? e.scopeid : undefined,
    relatedIds: [d.volumeId],
  }));

type Review = typeof AdmissionEvents.admitted | typeof AdmissionEvents.denied;
const review = (def: Review, result: AuditResult): ContractMapping =>
  mapping(def, (d) => ({
    action: 'admit',
    result,
    entityType: 'workload',
    // The platform's workload id when it asked; the webhook knows the workload by namespace and name.
    entityId: d.workload.workloadId ?? `${d.workload.namespace}/${d.workload.name}`,
    entityName: d.workload.name,
    relatedIds: [...d.dataVolumes.map((m) => m.id), ...('reasons' in d ? d.reasons.map((r) => r.volumeId) : [])],
  }));

type BindingEvent = typeof AdmissionEvents.bindingCreated | typeof AdmissionEvents.bindingRemoved;
const binding = (def: BindingEvent, action: string): ContractMapping =>
  mapping(def, (d, e) => ({ action, entityType: 'binding', entityId: e.subject, entityName: `${d.namespace}/${d.pvcName}`, relatedIds: [d.volumeId] }));

type RuleEvent = typeof AuthzEvents.accessRuleCreated | typeof AuthzEvents.accessRuleDeleted;
const accessRule = (def: RuleEvent, action: string): ContractMapping =>
  mapping(def, (r) => ({
    action,
    entityType: 'access-rule',
    entityId: r.id,
    entityName: `${r.subjectId} is ${r.roleName} in ${r.scopeName}`,
    clusterId: r.clusterId ?? (r.scopeType === 'cluster' ? r.scopeId : undefined),
  }));

/**
 * The events of our services, mapped from their contracts: where each keeps the entity, its name,
 * its cluster and the volumes it concerns. Refusals are `Failed`, with the refused operation as the
 * action. Every other event (the platform's org and workload events, and types added later) is
 * mapped generically.
 */
const CONTRACT_MAPPINGS: ReadonlyMap<string, ContractMapping> = new Map(
  [
    volumeChange(VolumeEvents.created, 'create'),
    volumeChange(VolumeEvents.ready, 'ready'),
    volumeChange(VolumeEvents.notReady, 'not-ready'),
    volumeChange(VolumeEvents.updated, 'update'),
    // The caller's delete (the volume starts going), then the system's report that it is gone.
    volumeChange(VolumeEvents.deleting, 'delete'),
    volumeChange(VolumeEvents.deleted, 'deleted'),
    mapping(VolumeEvents.refused, (d, e) => ({
      action: d.operation,
      result: 'Failed',
      entityType: 'volume',
      entityId: d.volumeId ?? e.subject,
      entityName: d.name,
      clusterId: d.clusterId,
      relatedIds: [d.volumeId],
    })),
    sharingChange(SharingEvents.shared, 'share'),
    sharingChange(SharingEvents.unshared, 'unshare'),
    mapping(SharingEvents.refused, (d) => ({
      action: d.operation,
      result: 'Failed',
      entityType: 'sharing-list',
      entityId: d.volumeId,
      relatedIds: [d.volumeId],
    })),
    review(AdmissionEvents.admitted, 'Succeeded'),
    review(AdmissionEvents.denied, 'Failed'),
    binding(AdmissionEvents.bindingCreated, 'create'),
    binding(AdmissionEvents.bindingRemoved, 'delete'),
    accessRule(AuthzEvents.accessRuleCreated, 'create'),
    accessRule(AuthzEvents.accessRuleDeleted, 'delete'),
    mapping(AuthzEvents.accessRuleRefused, (d, e) => ({
      action: d.operation,
      result: 'Failed',
      entityType: 'access-rule',
      entityId: d.ruleId ?? e.subject,
      clusterId: d.scopeType === 'cluster' ? d.scopeId : undefined,
    })),
  ].map((m) => [m.def.type, m]),
);

/** Past-tense event names and the action the reference would show (generic mapping). */
const VERBS: Readonly<Record<string, string>> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
  deleting: 'delete',
  removed: 'delete',
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

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function camel(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Any other event, from the CloudEvents envelope and the conventions of the contracts: type
 * `<dv|platform>.evt.<entity>.<event>.v<n>` gives the entity type and the action; the entity id is
 * the envelope's subject or `data.<entity>Id`; the name `data.name`; the cluster `data.clusterId`
 * (or the scope, when it is a cluster); `data.volumeId` a related volume. Denials, refusals and
 * failures are `Failed`; a refusal's `data.operation` is its action.
 */
function mapGenerically(entity: string, event: string, data: Record<string, unknown>, envelope: EventEnvelope): Mapped {
  const words = event.split('.');
  const lastWord = words[words.length - 1] ?? event;
  const failed = words.some((w) => FAILED_EVENTS.has(w));
  return {
    action: (lastWord === 'refused' ? str(data['operation']) : undefined) ?? VERBS[lastWord] ?? lastWord,
    result: failed ? 'Failed' : 'Succeeded',
    entityType: entity,
    entityId: str(envelope.subject) ?? str(data[`${camel(entity)}Id`]) ?? str(data['id']),
    entityName: str(data['name']),
    clusterId: str(data['clusterId']) ?? (envelope.scopetype === 'cluster' ? envelope.scopeid : undefined),
    relatedIds: [str(data['volumeId'])],
  };
}

/** A string that is not well-formed UTF-16: a high surrogate not followed by a low one, or a low one alone. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * A member of a record as it is stored and hashed: well-formed Unicode, each lone surrogate replaced
 * by U+FFFD. A lone surrogate has no UTF-8 form: the database would store U+FFFD anyway, and a hash
 * taken over the original would then never verify; dead-lettering the event instead lost the
 * request from the log. `details` keep the exact original (its canonical JSON escapes a lone
 * surrogate as `\udXXX`, plain ASCII), so nothing of what the event said is lost.
 */
export function storableText(s: string): string {
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATES, '\ufffd') : s;
}

/**
 * Maps an event of our or the platform's streams to an audit draft: our services' events through
 * their contracts (CONTRACT_MAPPINGS), the rest generically; the envelope gives the subject (actor),
 * the scope, the request id and the trace id. Every string member is made well-formed
 * (storableText). Throws UnmappableEvent (the event is dead-lettered) for a type outside the naming
 * scheme or data that breaks its contract.
 */
export function eventToDraft(envelope: EventEnvelope): AuditDraft {
  const match = TYPE_PATTERN.exec(envelope.type);
  if (!match) throw new UnmappableEvent(`event type ${envelope.type} is not <dv|platform>.evt.<entity>.<event>.v<n>`);
  const data = typeof envelope.data === 'object' && envelope.data !== null && !Array.isArray(envelope.data) ? (envelope.data as Record<string, unknown>) : {};
  const contract = CONTRACT_MAPPINGS.get(envelope.type);
  const mapped = contract ? contract.map(envelope.data, envelope) : mapGenerically(match[2] as string, match[3] as string, data, envelope);
  const traceId = envelope.traceparent ? /^[0-9a-f]{2}-([0-9a-f]{32})-/.exec(envelope.traceparent)?.[1] : undefined;
  const details = envelope.data === undefined ? null : envelope.data;

  const draft: AuditDraft = {
    id: envelope.id,
    timestamp: new Date(envelope.time).toISOString(),
    subject: envelope.actorid,
    subjectType: envelope.actortype,
    action: mapped.action ?? 'unknown',
    entityType: mapped.entityType ?? (match[2] as string),
    result: mapped.result ?? 'Succeeded',
    source: envelope.source,
    eventType: envelope.type,
    details,
    detailsJson: canonicalJson(details),
  };
  const entityId = str(mapped.entityId);
  const entityName = str(mapped.entityName);
  const clusterId = str(mapped.clusterId);
  const relatedIds = [...new Set((mapped.relatedIds ?? []).filter((id): id is string => str(id) !== undefined))];
  if (entityId !== undefined) draft.entityId = entityId;
  if (entityName !== undefined) draft.entityName = entityName;
  if (envelope.scopetype !== undefined) draft.scopeType = envelope.scopetype;
  if (envelope.scopeid !== undefined) draft.scopeId = envelope.scopeid;
  if (clusterId !== undefined) draft.clusterId = clusterId;
  if (relatedIds.length > 0) draft.relatedIds = relatedIds;
  if (envelope.requestid !== undefined) draft.requestId = envelope.requestid;
  if (traceId !== undefined) draft.traceId = traceId;
  // One test over every string member (joined by a separator that no surrogate pairs with); the
  // members are rewritten only when one has a lone surrogate (rare: the transport refuses them).
  const strings = [
    draft.id,
    draft.subject,
    draft.subjectType,
    draft.action,
    draft.entityType,
    draft.source,
    draft.eventType,
    entityId,
    entityName,
    draft.scopeId,
    clusterId,
    draft.requestId,
    ...relatedIds,
  ];
  return LONE_SURROGATE.test(strings.join('\0')) ? wellFormed(draft) : draft;
}

/** The draft with every string member but `details` (and its text) made storable. */
function wellFormed(draft: AuditDraft): AuditDraft {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(draft)) {
    if (key === 'details' || key === 'detailsJson') out[key] = value;
    else if (typeof value === 'string') out[key] = storableText(value);
    else if (Array.isArray(value)) out[key] = value.map((v: unknown) => (typeof v === 'string' ? storableText(v) : v));
    else out[key] = value;
  }
  return out as AuditDraft;
}
