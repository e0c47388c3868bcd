/** Injection tokens of the audit service. */
export const AUDIT_STORE = Symbol('AUDIT_STORE');
export const AUDIT_ARCHIVER = Symbol('AUDIT_ARCHIVER');
