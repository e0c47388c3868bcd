/** Injection tokens of the authz service. */
export const ACCESS_RULE_RELAY = Symbol('ACCESS_RULE_RELAY');
