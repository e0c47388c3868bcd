/** Injection tokens of the volume service. */
export const VOLUME_MODEL = Symbol('VOLUME_MODEL');
export const VOLUME_RELAY = Symbol('VOLUME_RELAY');
export const PROJECT_MODEL = Symbol('PROJECT_MODEL');
export const CLUSTER_MODEL = Symbol('CLUSTER_MODEL');
export const KUBE_CLIENTS = Symbol('KUBE_CLIENTS');
/** The service's failpoints (@dv/runtime's Failpoints<VolumeFailpoint>). */
export const FAILPOINTS = Symbol('FAILPOINTS');
