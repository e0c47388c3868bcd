/** Injection tokens of the sharing service. */
export const SHARING_LIST_RELAY = Symbol('SHARING_LIST_RELAY');
