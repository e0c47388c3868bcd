import { type PatchPlan } from '../patch-plan';

/** Reads the workload in `plan.root` and records, for every place its kind keeps pods, the problems and appends. */
export type KindPlanner = (plan: PatchPlan) => void;
