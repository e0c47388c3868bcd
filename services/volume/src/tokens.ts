/** Injection tokens of the volume service. */
export const VOLUME_RELAY = Symbol('VOLUME_RELAY');
export const KUBE_CLIENTS = Symbol('KUBE_CLIENTS');
/** The service's failpoints (@dv/runtime's Failpoints<VolumeFailpoint>). */
export const FAILPOINTS = Symbol('FAILPOINTS');
/** Aborted at the first moment of the service's graceful stop (ServiceContext.stopping). */
export const STOPPING = Symbol('STOPPING');
