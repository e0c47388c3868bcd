import {
  AUDIT_RECORD_SUBJECT,
  AUDIT_SEQ_HEADER,
  AUDIT_STREAM,
  AdmissionEvents,
  AdmissionRpc,
  AuditRpc,
  AuthzEvents,
  AuthzRpc,
  type EventDefinition,
  OrgEvents,
  RequestEvents,
  type RpcDefinition,
  STREAMS,
  ServiceAccountEvents,
  SharingEvents,
  SharingRpc,
  VolumeEvents,
  VolumeRpc,
  VolumeUsageRpc,
  WorkloadEvents,
  auditRecordSchema,
} from '@dv/contracts';
import { type z } from 'zod';

/** The request/reply subjects of the platform, by the service that answers them (its contract objects). */
export const RPC_GROUPS: readonly { name: string; rpcs: readonly RpcDefinition[] }[] = [
  { name: 'authz', rpcs: Object.values(AuthzRpc) },
  { name: 'volume', rpcs: Object.values(VolumeRpc) },
  { name: 'sharing', rpcs: Object.values(SharingRpc) },
  { name: 'workload-admission', rpcs: [...Object.values(AdmissionRpc), ...Object.values(VolumeUsageRpc)] },
  { name: 'audit', rpcs: Object.values(AuditRpc) },
];

/** The events, ours (`dv.evt.…`, DV_EVENTS) and the wider platform's (`platform.evt.…`, PLATFORM_EVENTS). */
export const EVENT_GROUPS: readonly { name: string; events: readonly EventDefinition[] }[] = [
  { name: 'authz', events: Object.values(AuthzEvents) },
  { name: 'volume', events: Object.values(VolumeEvents) },
  { name: 'sharing', events: Object.values(SharingEvents) },
  { name: 'workload-admission', events: Object.values(AdmissionEvents) },
  { name: 'gateway (service accounts)', events: Object.values(ServiceAccountEvents) },
  { name: 'transport', events: Object.values(RequestEvents) },
  { name: 'platform organization', events: Object.values(OrgEvents).flatMap((lifecycle) => Object.values(lifecycle)) },
  { name: 'platform workloads', events: Object.values(WorkloadEvents) },
];

export interface StreamEntry {
  name: string;
  subjects: readonly string[];
  description: string;
}

export const STREAM_ENTRIES: readonly StreamEntry[] = [
  { ...STREAMS.domain, description: 'Our domain events (dv.evt.<entity>.<event>.v1), CloudEvents JSON, Nats-Msg-Id = the event id.' },
  { ...STREAMS.platform, description: 'What the platform’s other services publish: organization and workload events.' },
  {
    ...STREAMS.deadLetter,
    description:
      'Events a durable consumer gave up on, after its deliveries: dv.dlq.<consumer>.<original subject>, the original body and headers plus dv-dead-letter-reason.',
  },
  {
    ...AUDIT_STREAM,
    description: `Sealed audit records, in chain order, for consumers outside the platform (NATS user audit-reader): Nats-Msg-Id audit-<seq>, header ${AUDIT_SEQ_HEADER}.`,
  },
];

/** The sealed audit record, on its own subject and stream. */
export const AUDIT_RECORD: { subject: string; schema: z.ZodType; description: string } = {
  subject: AUDIT_RECORD_SUBJECT,
  schema: auditRecordSchema,
  description:
    'One sealed audit record per event of the platform, in the one order of the hash chain: seq with no gap, the previous record’s hash and its own over its canonical form. Read it with an ordered consumer of DV_AUDIT, from any sequence.',
};
