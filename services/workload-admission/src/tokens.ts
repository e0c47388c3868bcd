export const KUBE_CLIENTS = Symbol('KUBE_CLIENTS');
export const BINDING_MODEL = Symbol('BINDING_MODEL');
export const USAGE_MODEL = Symbol('USAGE_MODEL');
