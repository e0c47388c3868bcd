/**
 * Kinds whose pods are described by pod specs at fixed places: the core workloads, batch, the
 * Kubeflow Notebook and the Knative Service.
 */
import { type PathSegment } from '../json-pointer';
import { planPodSpec } from '../pod-spec-planning';
import { type KindPlanner } from './kind-planner';

function podSpecAt(path: readonly PathSegment[], what: string): KindPlanner {
  return (plan) => planPodSpec(plan, path, what);
}

/** Pod (v1): the object's own spec is the pod spec. */
export const planPod = podSpecAt(['spec'], 'the Pod spec');

/** Deployment, ReplicaSet, StatefulSet, Job, Notebook, Knative Service: one pod template. */
export const planPodTemplate = podSpecAt(['spec', 'template', 'spec'], 'the pod template spec');

/** CronJob: the pod template of its job template. */
export const planCronJob = podSpecAt(['spec', 'jobTemplate', 'spec', 'template', 'spec'], "the job template's pod template spec");
