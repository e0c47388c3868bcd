/**
 * Shared expectations of the patcher specs: every successful case must give the exact patch and
 * patched object, the patch applied to the original must give the same object, the original must
 * stay untouched (it is frozen, so a mutation throws), and patching the result again must be a no-op.
 */
import { cloneJson, isRecord } from '../json-value';
import { applyJsonPatch, type JsonPatchOp, type MountRequest, type PatchOutcome, type PatchProblem, patchWorkload } from '../patch-workload';

/** A data volume as the caller resolves it: claim in the project's namespace, pod volume name chosen by the caller. */
export const IMAGENET: MountRequest = {
  volumeId: '5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70',
  claimName: 'dv-imagenet-runai-team-a',
  podVolumeName: 'dv-imagenet',
  mountPath: '/data/imagenet',
};
export const IMAGENET_VOLUME = { name: 'dv-imagenet', persistentVolumeClaim: { claimName: 'dv-imagenet-runai-team-a', readOnly: true } };
export const IMAGENET_MOUNT = { name: 'dv-imagenet', mountPath: '/data/imagenet', readOnly: true };

export const COCO: MountRequest = {
  volumeId: '0a1b2c3d-4e5f-4607-8899-aabbccddeeff',
  claimName: 'dv-coco-2017-runai-team-a',
  podVolumeName: 'dv-coco-2017',
  mountPath: '/data/coco',
};
export const COCO_VOLUME = { name: 'dv-coco-2017', persistentVolumeClaim: { claimName: 'dv-coco-2017-runai-team-a', readOnly: true } };
export const COCO_MOUNT = { name: 'dv-coco-2017', mountPath: '/data/coco', readOnly: true };

function deepFreeze<T>(value: T): T {
  if (Array.isArray(value)) value.forEach(deepFreeze);
  else if (isRecord(value)) Object.values(value).forEach(deepFreeze);
  return Object.freeze(value);
}

/** Runs the patcher on a frozen workload and checks the whole contract of a successful patch. */
export function expectPatch(
  workload: Record<string, unknown>,
  mounts: readonly MountRequest[],
  expected: { patch: JsonPatchOp[]; patched: Record<string, unknown> },
): Extract<PatchOutcome, { ok: true }> {
  const before = cloneJson(workload);
  const outcome = patchWorkload(deepFreeze(workload), mounts);
  if (!outcome.ok) throw new Error(`expected a patch, got problems ${JSON.stringify(outcome.problems, null, 2)}`);
  expect(outcome.patch).toEqual(expected.patch);
  expect(outcome.patched).toEqual(expected.patched);
  expect(applyJsonPatch(workload, outcome.patch)).toEqual(outcome.patched);
  expect(workload).toEqual(before);
  const again = patchWorkload(outcome.patched, mounts);
  expect(again).toEqual({ ok: true, kind: outcome.kind, patched: outcome.patched, patch: [] });
  return outcome;
}

/** Runs the patcher on a frozen workload and checks that it refuses with exactly these problems. */
export function expectProblems(workload: unknown, mounts: readonly MountRequest[], problems: PatchProblem[]): void {
  const frozen: unknown = deepFreeze(cloneJson(workload));
  expect(patchWorkload(frozen as Record<string, unknown>, mounts)).toEqual({ ok: false, problems });
}
