// @dv/kube: a thin, typed layer over @kubernetes/client-node (configuration, clients, errors as DvError).
export { type LoadKubeConfigOptions, loadKubeConfig } from './load-kube-config';
export { type KubeClients, createKubeClients } from './create-kube-clients';
export { isConflict, isNotFound, kubeErrorStatus } from './kube-error-status';
export { kubeErrorCode } from './kube-error-code';
export { kubeStatusMessage } from './kube-status-message';
export { KubeError } from './kube-error';
export { isKubeUnreachable } from './kube-unreachable';
export { type EnsureNamespaceResult, ensureNamespace } from './ensure-namespace';
export { type CopyTarget, pvCopyOf, pvcCopyOf } from './volume-copies/copy-objects';
export { type ClaimIdentity, claimBindingProblem } from './volume-copies/claim-binding';
export { storageOf } from './volume-copies/origin-storage';
export { MANAGED_BY, MANAGED_BY_LABEL, VOLUME_ID_LABEL, copyNames } from './volume-copies/volume-object-names';
export { VolumeCopies } from './volume-copies/volume-copies';
