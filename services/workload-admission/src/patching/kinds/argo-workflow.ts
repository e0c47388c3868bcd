/**
 * Argo Workflows (and Kubeflow's ScheduledWorkflow, whose `spec.workflow.spec` is an Argo workflow
 * spec). The volume goes once into the workflow-level `volumes`, which Argo gives to every pod it
 * runs; the mount goes into every container-like entry of every template. Templates that run no
 * container (steps, dag, resource, suspend) only orchestrate the others and need nothing.
 */
import { type PathSegment, toJsonPointer } from '../json-pointer';
import { isRecord, ownProperty } from '../json-value';
import { planContainerMounts } from '../container-mount-planning';
import { entryName } from '../mount-entries';
import { type PatchPlan, readPath } from '../patch-plan';
import { type PeerVolumes, planVolumes } from '../volume-planning';
import { type KindPlanner } from './kind-planner';

interface ContainerSlot {
  path: readonly PathSegment[];
  role: string;
  owner: string;
  inherited?: readonly (readonly PathSegment[])[];
}

export function argoWorkflowPlanner(specPath: readonly PathSegment[], what: string): KindPlanner {
  return (plan) => planWorkflowSpec(plan, specPath, what);
}

function planWorkflowSpec(plan: PatchPlan, specPath: readonly PathSegment[], what: string): void {
  const spec = plan.requireObject(specPath, what);
  if (spec === undefined) return;
  const templatesPath = [...specPath, 'templates'];
  const reference = ownProperty(spec, 'workflowTemplateRef');
  const referenceName = isRecord(reference) ? ownProperty(reference, 'name') : undefined;
  const whenEmpty = isRecord(reference)
    ? `The workflow runs the WorkflowTemplate "${String(referenceName)}" (${toJsonPointer([...specPath, 'workflowTemplateRef'])}) and has no templates of its own; data volumes can only be mounted into templates written inline`
    : `The workflow (${toJsonPointer(specPath)}) has no templates, so there is no container to mount data volumes into`;
  const templates = plan.requireNonEmptyArray(templatesPath, 'templates', whenEmpty);
  if (templates === undefined) return;

  const slots: ContainerSlot[] = [];
  const templateVolumes: PeerVolumes[] = [];
  templates.forEach((_, index) => {
    const templatePath = [...templatesPath, index];
    const template = plan.objectEntry(templatePath, 'a template');
    if (template === undefined) return;
    const name = entryName(template);
    const of = `of template ${name === undefined ? `#${index}` : `"${name}"`}`;
    for (const field of ['container', 'script']) {
      if (readPath(plan.root, [...templatePath, field]).state !== 'absent') slots.push({ path: [...templatePath, field], role: field, owner: of });
    }
    const containerSetPath = [...templatePath, 'containerSet'];
    if (plan.optionalObject(containerSetPath, 'containerSet') !== undefined) {
      const setContainers = plan.optionalArray([...containerSetPath, 'containers'], 'containerSet.containers');
      setContainers?.forEach((_container, containerIndex) =>
        slots.push({
          path: [...containerSetPath, 'containers', containerIndex],
          role: 'containerSet container',
          owner: of,
          inherited: [[...containerSetPath, 'volumeMounts']],
        }),
      );
    }
    for (const field of ['initContainers', 'sidecars']) {
      const role = field === 'initContainers' ? 'init container' : 'sidecar';
      plan
        .optionalArray([...templatePath, field], field)
        ?.forEach((_container, containerIndex) => slots.push({ path: [...templatePath, field, containerIndex], role, owner: of }));
    }
    // A template-level volume of the same name shadows the workflow-level one in that template's pod.
    templateVolumes.push({ path: [...templatePath, 'volumes'], coversTarget: false });
  });

  if (slots.length === 0) {
    plan.report(
      'NO_POD_SPEC',
      `No template of the workflow (${toJsonPointer(templatesPath)}) runs a container, so there is nothing to mount data volumes into`,
      templatesPath,
    );
    return;
  }
  checkVolumeClaimTemplates(plan, [...specPath, 'volumeClaimTemplates']);
  planVolumes(plan, [...specPath, 'volumes'], templateVolumes);
  for (const slot of slots) planContainerMounts(plan, slot.path, { role: slot.role, owner: slot.owner, inherited: slot.inherited });
}

/** Argo turns each volumeClaimTemplate into a volume named after it, so those names are taken too. */
function checkVolumeClaimTemplates(plan: PatchPlan, path: readonly PathSegment[]): void {
  const claimTemplates = plan.optionalArray(path, 'volumeClaimTemplates') ?? [];
  claimTemplates.forEach((claimTemplate, index) => {
    const metadata = isRecord(claimTemplate) ? ownProperty(claimTemplate, 'metadata') : undefined;
    const name = isRecord(metadata) ? ownProperty(metadata, 'name') : undefined;
    for (const mount of plan.mounts) {
      if (name !== mount.podVolumeName) continue;
      plan.report(
        'VOLUME_NAME_COLLISION',
        `The volumeClaimTemplate at ${toJsonPointer([...path, index])} already creates a volume named "${mount.podVolumeName}"; data volume ${mount.volumeId} cannot use that name`,
        [...path, index],
        mount.volumeId,
      );
    }
  });
}
