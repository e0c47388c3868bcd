/**
 * Binds data volumes read-only into a workload at admission: adds a PVC volume and a mount in every
 * pod description the workload's kind has, and returns both the patched copy and the RFC 6902
 * patch (add operations only) that turns the original into it. Nothing the user wrote is dropped,
 * replaced or reordered; anything the patcher cannot do safely is refused with every problem listed.
 */
import { applyPlan } from './apply-plan';
import { isRecord, ownProperty } from './json-value';
import { plannerFor } from './kinds/kind-planners';
import { PatchPlan } from './patch-plan';
import { type MountRequest, type PatchOutcome, type PatchProblem } from './patch-types';
import { acceptedApiVersions, lookupKind } from './workload-kinds';

export { applyJsonPatch } from './apply-json-patch';
export type { JsonPatchOp, MountRequest, PatchOutcome, PatchProblem, PatchProblemCode } from './patch-types';

export function patchWorkload(workload: Record<string, unknown>, mounts: readonly MountRequest[]): PatchOutcome {
  const input: unknown = workload;
  if (!isRecord(input)) return refuse({ code: 'MALFORMED_WORKLOAD', message: 'The workload must be a JSON object', path: '' });
  const apiVersion = ownProperty(input, 'apiVersion');
  const kind = ownProperty(input, 'kind');
  if (apiVersion !== undefined && typeof apiVersion !== 'string') {
    return refuse({ code: 'MALFORMED_WORKLOAD', message: 'The workload apiVersion must be a string', path: '/apiVersion' });
  }
  if (typeof kind !== 'string' || kind === '') return refuse({ code: 'MALFORMED_WORKLOAD', message: 'The workload has no kind', path: '/kind' });

  const info = lookupKind(apiVersion, kind);
  const planner = info === undefined ? undefined : plannerFor(info);
  if (info === undefined || planner === undefined)
    return refuse({ code: 'KIND_NOT_SUPPORTED', message: notSupportedMessage(apiVersion, kind, info !== undefined), path: '/kind' });

  const plan = new PatchPlan(input, Array.isArray(mounts) ? mounts : []);
  if (plan.mounts.length > 0) planner(plan);
  if (plan.problems.length > 0) return { ok: false, problems: distinct(plan.problems) };
  try {
    const { patched, patch } = applyPlan(input, plan.appends);
    return { ok: true, kind: info, patched, patch };
  } catch (error: unknown) {
    // Planning checks every shape it later writes through; this is the net under that promise.
    return refuse({ code: 'MALFORMED_WORKLOAD', message: `The workload could not be patched: ${error instanceof Error ? error.message : String(error)}` });
  }
}

function refuse(problem: PatchProblem): PatchOutcome {
  return { ok: false, problems: [problem] };
}

/** Why a known kind is refused; kinds that are listed for permissions but cannot be patched safely. */
const REFUSAL_REASONS: Readonly<Record<string, string>> = {
  AmlJob: 'AmlJob has no public schema saying where it describes its pods, so it is refused rather than patched blindly',
};

function notSupportedMessage(apiVersion: string | undefined, kind: string, known: boolean): string {
  const shown = `${kind} (apiVersion ${apiVersion === undefined ? 'not set' : `"${apiVersion}"`})`;
  if (known) {
    const reason = Object.hasOwn(REFUSAL_REASONS, kind) ? REFUSAL_REASONS[kind] : undefined;
    return `${shown} cannot be given data volumes: ${reason ?? 'no safe way to add them is known'}. The workload was left unchanged.`;
  }
  const accepted = acceptedApiVersions(kind);
  const hint = accepted.length > 0 ? ` ${kind} is supported only as ${accepted.join(', ')}.` : '';
  return `Workloads of kind ${shown} are not supported for data volume mounts; the workload was left unchanged.${hint}`;
}

/** A malformed place read by several planners is reported once. */
function distinct(problems: readonly PatchProblem[]): PatchProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = problem.code === 'MALFORMED_WORKLOAD' ? `${problem.code} ${problem.path ?? ''}` : JSON.stringify(problem);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
