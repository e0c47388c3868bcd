/**
 * Sealed audit records for consumers outside the platform, in chain order, each with its hash and
 * sequence: `Nats-Msg-Id` = `audit-<seq>`, header `dv-audit-seq`. Provisioned by the audit service.
 */
export const AUDIT_STREAM = { name: 'DV_AUDIT', subjects: ['dv.audit.record.v1'] } as const;
export const AUDIT_RECORD_SUBJECT = 'dv.audit.record.v1';
export const AUDIT_SEQ_HEADER = 'dv-audit-seq';

export function auditMsgId(seq: number): string {
  return `audit-${seq}`;
}
