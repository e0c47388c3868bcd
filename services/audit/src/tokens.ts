/** Injection tokens of the audit service. */
export const AUDIT_COLLECTIONS = Symbol('AUDIT_COLLECTIONS');
export const AUDIT_ARCHIVER = Symbol('AUDIT_ARCHIVER');
