/**
 * Tekton TaskRun and PipelineRun. The pod-level volume goes into the run's pod template (TaskRun
 * `spec.podTemplate`, PipelineRun `spec.taskRunTemplate.podTemplate`, applied to every TaskRun it
 * creates); the mount goes into every step and sidecar of every task written inline. A Task or
 * Pipeline referenced by name (taskRef, pipelineRef, resolvers) is not part of the object being
 * admitted: its steps cannot be given a mount here, so the run is refused, naming the task.
 */
import { type PathSegment, toJsonPointer } from '../json-pointer';
import { isAbsent, isRecord, ownProperty } from '../json-value';
import { planContainerMounts } from '../container-mount-planning';
import { entryName } from '../mount-entries';
import { type PatchPlan } from '../patch-plan';
import { type PeerVolumes, planVolumes } from '../volume-planning';
import { type KindPlanner } from './kind-planner';

export const planTaskRun: KindPlanner = (plan) => {
  const spec = plan.requireObject(['spec'], 'the TaskRun spec');
  if (spec === undefined) return;
  const taskRef = ownProperty(spec, 'taskRef');
  if (isAbsent(ownProperty(spec, 'taskSpec')) && !isAbsent(taskRef)) {
    plan.report(
      'NO_POD_SPEC',
      `The TaskRun runs the referenced task ${describeReference(taskRef)} (/spec/taskRef); data volumes can only be mounted into the steps of an inline spec.taskSpec`,
      ['spec', 'taskRef'],
    );
    return;
  }
  const taskSpecPath = ['spec', 'taskSpec'];
  if (plan.requireObject(taskSpecPath, 'spec.taskSpec') === undefined) return;
  // Task-level volumes reach every step of this one pod, so a same-claim volume there is enough.
  planVolumes(plan, ['spec', 'podTemplate', 'volumes'], [{ path: [...taskSpecPath, 'volumes'], coversTarget: true }]);
  planSteps(plan, taskSpecPath, 'the task');
};

export const planPipelineRun: KindPlanner = (plan) => {
  const spec = plan.requireObject(['spec'], 'the PipelineRun spec');
  if (spec === undefined) return;
  const pipelineRef = ownProperty(spec, 'pipelineRef');
  if (isAbsent(ownProperty(spec, 'pipelineSpec')) && !isAbsent(pipelineRef)) {
    plan.report(
      'NO_POD_SPEC',
      `The PipelineRun runs the referenced pipeline ${describeReference(pipelineRef)} (/spec/pipelineRef); data volumes can only be mounted into the tasks of an inline spec.pipelineSpec`,
      ['spec', 'pipelineRef'],
    );
    return;
  }
  const pipelinePath = ['spec', 'pipelineSpec'];
  if (plan.requireObject(pipelinePath, 'spec.pipelineSpec') === undefined) return;
  const tasks = plan.requireNonEmptyArray(
    [...pipelinePath, 'tasks'],
    'pipelineSpec.tasks',
    'The pipeline (/spec/pipelineSpec) has no tasks, so there is no step to mount data volumes into',
  );
  const finallyTasks = plan.optionalArray([...pipelinePath, 'finally'], 'pipelineSpec.finally');
  if (tasks === undefined) return;

  const inlineTasks: { taskSpecPath: PathSegment[]; label: string }[] = [];
  let refused = false;
  for (const [list, entries] of [
    ['tasks', tasks],
    ['finally', finallyTasks ?? []],
  ] as const) {
    entries.forEach((_, index) => {
      const taskPath = [...pipelinePath, list, index];
      const task = plan.objectEntry(taskPath, 'a pipeline task');
      if (task === undefined) return;
      const name = entryName(task);
      const label = `pipeline task ${name === undefined ? `#${index}` : `"${name}"`}`;
      const taskSpec = ownProperty(task, 'taskSpec');
      if (isAbsent(taskSpec)) {
        refused = true;
        const taskRef = ownProperty(task, 'taskRef');
        plan.report(
          'NO_POD_SPEC',
          isAbsent(taskRef)
            ? `The ${label} (${toJsonPointer(taskPath)}) has no inline taskSpec; data volumes can only be mounted into the steps of inline tasks`
            : `The ${label} (${toJsonPointer(taskPath)}) runs the referenced task ${describeReference(taskRef)}; data volumes can only be mounted into the steps of an inline taskSpec`,
          isAbsent(taskRef) ? taskPath : [...taskPath, 'taskRef'],
        );
        return;
      }
      // A custom task (taskSpec with apiVersion/kind) is run by its own controller, not as a pod.
      if (isRecord(taskSpec) && (ownProperty(taskSpec, 'apiVersion') !== undefined || ownProperty(taskSpec, 'kind') !== undefined)) return;
      inlineTasks.push({ taskSpecPath: [...taskPath, 'taskSpec'], label: `the ${label}` });
    });
  }
  if (refused) return;
  if (inlineTasks.length === 0) {
    plan.report('NO_POD_SPEC', 'No task of the pipeline runs steps (all are custom tasks), so there is nothing to mount data volumes into', [
      ...pipelinePath,
      'tasks',
    ]);
    return;
  }

  // Per-task volumes shadow the pod template's only in their own task: a clash there matters, a same-claim volume does not suffice.
  const peers: PeerVolumes[] = inlineTasks.map(({ taskSpecPath }) => ({ path: [...taskSpecPath, 'volumes'], coversTarget: false }));
  (plan.optionalArray(['spec', 'taskRunSpecs'], 'taskRunSpecs') ?? []).forEach((_, index) =>
    peers.push({ path: ['spec', 'taskRunSpecs', index, 'podTemplate', 'volumes'], coversTarget: false }),
  );
  planVolumes(plan, ['spec', 'taskRunTemplate', 'podTemplate', 'volumes'], peers);
  for (const { taskSpecPath, label } of inlineTasks) {
    if (plan.objectEntry(taskSpecPath, 'taskSpec') !== undefined) planSteps(plan, taskSpecPath, label);
  }
};

/** Steps (which inherit stepTemplate's mounts) and sidecars of one inline task spec. */
function planSteps(plan: PatchPlan, taskSpecPath: readonly PathSegment[], label: string): void {
  const steps = plan.requireNonEmptyArray(
    [...taskSpecPath, 'steps'],
    'steps',
    `The steps of ${label} (${toJsonPointer(taskSpecPath)}) are missing, so there is nothing to mount data volumes into`,
  );
  const sidecars = plan.optionalArray([...taskSpecPath, 'sidecars'], 'sidecars');
  if (steps === undefined) return;
  const owner = `of ${label}`;
  const inherited = [[...taskSpecPath, 'stepTemplate', 'volumeMounts']];
  steps.forEach((_, index) => planContainerMounts(plan, [...taskSpecPath, 'steps', index], { role: 'step', owner, inherited }));
  sidecars?.forEach((_, index) => planContainerMounts(plan, [...taskSpecPath, 'sidecars', index], { role: 'sidecar', owner }));
}

/** `"git-clone"`, or the resolver for a remote reference (`resolver "git"`). */
function describeReference(reference: unknown): string {
  if (!isRecord(reference)) return '(unnamed)';
  const name = ownProperty(reference, 'name');
  if (typeof name === 'string') return `"${name}"`;
  const resolver = ownProperty(reference, 'resolver');
  return typeof resolver === 'string' ? `resolved by "${resolver}"` : '(unnamed)';
}
