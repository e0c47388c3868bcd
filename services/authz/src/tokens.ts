/** Injection tokens of the authz service. */
export const ACCESS_RULE_MODEL = Symbol('ACCESS_RULE_MODEL');
export const SCOPE_MODEL = Symbol('SCOPE_MODEL');
export const ACCESS_RULE_RELAY = Symbol('ACCESS_RULE_RELAY');
