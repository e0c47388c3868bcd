/**
 * Types of the patcher's public API, apart from the kind table, kept in their own file so the
 * planners and patch-workload.ts can share them without importing each other.
 */
import { type WorkloadKindInfo } from './workload-kinds';

/** One data volume to bind into a workload. */
export interface MountRequest {
  volumeId: string;
  /** The PVC to mount. */
  claimName: string;
  /** The name of the pod volume entry to add (a DNS label ≤63, given by the caller). */
  podVolumeName: string;
  /** Absolute path inside the containers. */
  mountPath: string;
}

/** The only RFC 6902 operation the patcher emits: it never removes, replaces or moves what the user wrote. */
export type JsonPatchOp = { op: 'add'; path: string; value: unknown };

export type PatchProblemCode = 'KIND_NOT_SUPPORTED' | 'MOUNT_PATH_COLLISION' | 'VOLUME_NAME_COLLISION' | 'NO_POD_SPEC' | 'MALFORMED_WORKLOAD';

export interface PatchProblem {
  code: PatchProblemCode;
  message: string;
  /** JSON pointer of the place concerned */
  path?: string;
  volumeId?: string;
}

export type PatchOutcome =
  { ok: true; kind: WorkloadKindInfo; patched: Record<string, unknown>; patch: JsonPatchOp[] } | { ok: false; problems: PatchProblem[] };
