import { AdmissionEvents } from '../admission/admission-events';
import { AdmissionRpc } from '../admission/admission-rpc';
import { AUDIT_RECORD_SUBJECT, AUDIT_STREAM } from '../audit/audit-stream';
import { AuditRpc } from '../audit/audit-rpc';
import { AuthzEvents } from '../authz/authz-events';
import { AuthzRpc } from '../authz/authz-rpc';
import { type EventDefinition } from '../events/define-event';
import { RequestEvents } from '../events/request-events';
import { OrgEvents } from '../org/org-events';
import { ServiceAccountEvents } from '../service-account/service-account-events';
import { SharingEvents } from '../sharing/sharing-events';
import { SharingRpc } from '../sharing/sharing-rpc';
import { VolumeEvents } from '../volume/volume-events';
import { VolumeRpc, VolumeUsageRpc } from '../volume/volume-rpc';
import { type RpcDefinition } from '../rpc/define-rpc';
import { STREAMS, type StreamName } from '../streams';
import { WorkloadEvents } from '../workload/workload-events';
import { type NatsClientName } from './nats-clients';

/**
 * What each NATS client of the platform may do, and nothing else (deny by default). The nats-server
 * authorization config is generated from this (tools/nats-permissions → deploy/nats/nats-server.conf).
 * Subjects come from the contract objects wherever a contract exists.
 */

/** A stream a client may touch: the platform's streams and the audit service's own. */
export type ManifestStream = StreamName | (typeof AUDIT_STREAM)['name'];

/** A durable pull consumer (`consumeEvents`): replicas share it, each event goes to one replica. */
export interface DurableConsumerGrant {
  readonly stream: ManifestStream;
  /** The durable name: the service's name (NatsTransportStrategy). Its dead letters go to `dv.dlq.<durable>.>`. */
  readonly durable: string;
  /** The event types its filter selects (documentation: the server checks API subjects, not bodies). */
  readonly events: readonly string[];
}

export interface NatsClientManifest {
  readonly client: NatsClientName;
  /** `running`: the code exists and gets a NATS user. `planned`: intent from the target architecture, no user yet. */
  readonly status: 'running' | 'planned';
  readonly summary: string;
  /** RPC subjects it answers, in the queue group named after the client. */
  readonly serves: readonly string[];
  /** RPC subjects it may request. */
  readonly calls: readonly string[];
  /** Event types (JetStream subjects) it publishes. */
  readonly publishes: readonly string[];
  /** Durable consumers it creates, updates and pulls from (with ack, nak, term and dead-letter). */
  readonly consumes: readonly DurableConsumerGrant[];
  /** Streams it reads with ordered (ephemeral) consumers: every replica sees every event. */
  readonly follows: readonly ManifestStream[];
  /**
   * Streams it creates and updates (`provisionStreams`): only the provisioner, at deploy or start-up
   * time. Nobody may delete or purge a stream, nor update one at run time.
   */
  readonly provisions: readonly ManifestStream[];
  /** Streams that must exist before it starts (`awaitStreams`): it reads their info, nothing more. */
  readonly requires: readonly ManifestStream[];
  /** Streams whose stored messages it reads directly, by sequence or as the last of a subject (STREAM.MSG.GET). */
  readonly reads: readonly ManifestStream[];
  /** Read-only JetStream API: account, stream and consumer info and listings, stored messages. */
  readonly inspects: boolean;
  readonly notes?: readonly string[];
}

const subjectsOf = (contracts: Record<string, RpcDefinition>): string[] => Object.values(contracts).map((d) => d.subject);
const typesOf = (events: Record<string, EventDefinition>): string[] => Object.values(events).map((e) => e.type);
const orgEventTypes = Object.values(OrgEvents).flatMap((lifecycle) => typesOf(lifecycle));
const scopeEventTypes = (['tenant', 'cluster', 'department', 'project'] as const).flatMap((entity) => typesOf(OrgEvents[entity]));
/** The platform's streams: every service and the platform publisher wait for them at start (`awaitStreams`). */
const PLATFORM_STREAMS: readonly StreamName[] = Object.values(STREAMS).map((s) => s.name);

const nothing = { serves: [], calls: [], publishes: [], consumes: [], follows: [], provisions: [], requires: [], reads: [], inspects: false } as const;

const authz: NatsClientManifest = {
  ...nothing,
  client: 'authz',
  status: 'running',
  summary: 'Roles, the scope tree, access rules and decisions.',
  serves: subjectsOf(AuthzRpc),
  // RequestEvents: refusals of its audited subjects before their handlers run (the transport's).
  publishes: [...typesOf(AuthzEvents), ...typesOf(RequestEvents)],
  consumes: [{ stream: STREAMS.platform.name, durable: 'authz', events: scopeEventTypes }],
  follows: [STREAMS.domain.name, STREAMS.platform.name],
  requires: PLATFORM_STREAMS,
};

/** The decisions a service asks of authz before acting. */
const AUTHZ_DECISIONS = [AuthzRpc.check.subject, AuthzRpc.checkBatch.subject, AuthzRpc.permittedScopes.subject];

const volume: NatsClientManifest = {
  ...nothing,
  client: 'volume',
  status: 'running',
  summary: 'Data volumes and their status (create from a bound PVC, get, list, count, name availability, patch, delete).',
  serves: subjectsOf(VolumeRpc),
  calls: [AuthzRpc.check.subject, AuthzRpc.permittedScopes.subject, SharingRpc.listMany.subject, VolumeUsageRpc.usage.subject],
  // RequestEvents: refusals of its audited subjects before their handlers run (the transport's).
  publishes: [...typesOf(VolumeEvents), ...typesOf(RequestEvents)],
  consumes: [
    {
      stream: STREAMS.platform.name,
      durable: 'volume',
      events: [...typesOf(OrgEvents.project), ...typesOf(OrgEvents.cluster)],
    },
  ],
  // The read model of get, list and count: every volume and sharing event, in order, on every replica (and the stream head for reads without atLeast);
  // and the org events, for the scope tree creates and reads place projects with.
  follows: [STREAMS.domain.name, STREAMS.platform.name],
  requires: PLATFORM_STREAMS,
};

const sharing: NatsClientManifest = {
  ...nothing,
  client: 'sharing',
  status: 'running',
  summary: 'Sharing lists: add/remove scopes, list, and "is volume V usable in project P" from memory.',
  serves: subjectsOf(SharingRpc),
  calls: AUTHZ_DECISIONS,
  // RequestEvents: refusals of its audited subjects before their handlers run (the transport's).
  publishes: [...typesOf(SharingEvents), ...typesOf(RequestEvents)],
  consumes: [
    { stream: STREAMS.domain.name, durable: 'sharing', events: [VolumeEvents.deleted.type] },
    {
      stream: STREAMS.platform.name,
      durable: 'sharing',
      events: [OrgEvents.cluster.deleted.type, OrgEvents.department.deleted.type, OrgEvents.project.deleted.type],
    },
  ],
  follows: [STREAMS.domain.name, STREAMS.platform.name],
  requires: PLATFORM_STREAMS,
};

const workloadAdmission: NatsClientManifest = {
  ...nothing,
  client: 'workload-admission',
  status: 'running',
  summary: 'Workload review (admit with a patch or deny), bindings (PV/PVC copies) and usage; also the Kubernetes webhook.',
  serves: [...subjectsOf(AdmissionRpc), VolumeUsageRpc.usage.subject],
  calls: [AuthzRpc.check.subject, AuthzRpc.checkBatch.subject],
  // RequestEvents: refusals of its audited subjects before their handlers run (the transport's).
  publishes: [...typesOf(AdmissionEvents), ...typesOf(RequestEvents)],
  consumes: [
    {
      stream: STREAMS.domain.name,
      durable: 'workload-admission',
      events: [AdmissionEvents.admitted.type, SharingEvents.unshared.type, VolumeEvents.deleting.type],
    },
    { stream: STREAMS.platform.name, durable: 'workload-admission', events: [WorkloadEvents.finished.type, WorkloadEvents.deleted.type] },
  ],
  follows: [STREAMS.domain.name, STREAMS.platform.name],
  requires: PLATFORM_STREAMS,
};

const audit: NatsClientManifest = {
  ...nothing,
  client: 'audit',
  status: 'running',
  summary: 'The append-only, hash-chained audit log of every event: query, export, verify, archive.',
  serves: subjectsOf(AuditRpc),
  calls: [AuthzRpc.check.subject],
  publishes: [AUDIT_RECORD_SUBJECT],
  consumes: [
    { stream: STREAMS.domain.name, durable: 'audit', events: ['dv.evt.>'] },
    { stream: STREAMS.platform.name, durable: 'audit', events: ['platform.evt.>'] },
  ],
  requires: PLATFORM_STREAMS,
  // The last sealed record: what the chain's tail is checked against at start and by verify.
  reads: [AUDIT_STREAM.name],
  notes: [`Sealed records go to ${AUDIT_STREAM.name}, which outside consumers read as audit-reader.`],
};

/** The services, whose RPCs the gateway and the operator call. */
const SERVICES: readonly NatsClientManifest[] = [authz, volume, sharing, workloadAdmission, audit];

/**
 * The gateway calls only what its HTTP endpoints forward to (the first slice of issue 14: the
 * data-volume calls); each later endpoint adds its subject here.
 */
const gateway: NatsClientManifest = {
  ...nothing,
  client: 'gateway',
  status: 'running',
  summary: 'The REST API (bearer tokens) in front of the services: it calls their RPCs on behalf of the caller.',
  calls: [
    VolumeRpc.listPage.subject,
    VolumeRpc.count.subject,
    VolumeRpc.get.subject,
    VolumeRpc.create.subject,
    VolumeRpc.update.subject,
    VolumeRpc.delete.subject,
    VolumeRpc.nameAvailability.subject,
    // The console's PVC picker (/api/dv/v1/projects/{projectId}/pvcs).
    VolumeRpc.originPvcs.subject,
    // /api/v1/authorization (services/gateway/src/authorization).
    AuthzRpc.listRoles.subject,
    AuthzRpc.getRole.subject,
    AuthzRpc.createAccessRule.subject,
    AuthzRpc.batchCreateAccessRules.subject,
    AuthzRpc.listAccessRules.subject,
    AuthzRpc.getAccessRule.subject,
    AuthzRpc.deleteAccessRule.subject,
    AuthzRpc.myAccessRules.subject,
    AuthzRpc.myPermissions.subject,
    AuthzRpc.permittedScopes.subject,
    // Data volumes' sharing lists, the audit log and the extensions (/api/dv/v1, decision 0022).
    SharingRpc.list.subject,
    SharingRpc.update.subject,
    AuditRpc.query.subject,
    AuditRpc.export.subject,
    AuditRpc.verify.subject,
    AuditRpc.head.subject,
    AuthzRpc.checkBatch.subject,
    AuthzRpc.whoCan.subject,
    AdmissionRpc.usage.subject,
    AdmissionRpc.review.subject,
    // Service accounts: who may manage them (`apps` at the system scope); /api/dv/v1/check; the access-rule batch's validate_delete.
    AuthzRpc.check.subject,
  ],
  // Service accounts: their changes, which every replica follows to refuse a disabled account's tokens at once.
  publishes: typesOf(ServiceAccountEvents),
  follows: [STREAMS.domain.name],
  notes: ['Serves HTTP only; sets the dv-identity header of the requests it forwards, from the verified bearer token.'],
};

const platformPublisher: NatsClientManifest = {
  ...nothing,
  client: 'platform-publisher',
  status: 'running',
  summary: "Plays the platform's organization and workload services: publishes their events.",
  publishes: [...orgEventTypes, ...typesOf(WorkloadEvents)],
  requires: PLATFORM_STREAMS,
};

/** Outside consumers of the sealed audit records (a SIEM connector, an auditor's script, the nats CLI). */
const auditReader: NatsClientManifest = {
  ...nothing,
  client: 'audit-reader',
  status: 'running',
  summary: `Reads the sealed audit records on ${AUDIT_STREAM.name}, from any point, and nothing else: ordered consumers and stored messages by sequence.`,
  follows: [AUDIT_STREAM.name],
  reads: [AUDIT_STREAM.name],
  notes: ['Creates no durable consumer, publishes nothing, calls no service: a record is checked by recomputing its hash and its link to the one before.'],
};

/**
 * The one identity that creates and updates the streams: the provisioning step that runs before the
 * services (a Job in Kubernetes, `provisionStreams` in the local run and the test bed). No service
 * holds these rights, so no service (and nobody who took one over) can shrink, reconfigure or
 * delete a stream.
 */
const provisioner: NatsClientManifest = {
  ...nothing,
  client: 'provisioner',
  status: 'running',
  summary: 'Creates and updates the streams (DV_EVENTS, PLATFORM_EVENTS, DV_DEAD_LETTERS, DV_AUDIT) before the services start; nothing else.',
  provisions: [...PLATFORM_STREAMS, AUDIT_STREAM.name],
  notes: ['Deletes and purges nothing, reads no message, calls no service.'],
};

const operator: NatsClientManifest = {
  ...nothing,
  client: 'operator',
  status: 'running',
  summary:
    'A person or script in development and tests (the nats CLI with --inbox-prefix _INBOX_operator): calls every RPC of the running services, reads and inspects the streams.',
  calls: SERVICES.filter((s) => s.status === 'running').flatMap((s) => s.serves),
  follows: [...PLATFORM_STREAMS, AUDIT_STREAM.name],
  inspects: true,
  notes: ['Publishes no events (that is the platform publisher) and manages no streams or consumers.'],
};

export const NATS_PERMISSION_MANIFEST: readonly NatsClientManifest[] = [...SERVICES, gateway, platformPublisher, auditReader, provisioner, operator];

export function manifestOf(client: NatsClientName): NatsClientManifest {
  const entry = NATS_PERMISSION_MANIFEST.find((m) => m.client === client);
  if (!entry) throw new Error(`no permission manifest entry for NATS client ${client}`);
  return entry;
}
