export const KUBE_CLIENTS = Symbol('KUBE_CLIENTS');
