/**
 * The patcher works in two passes: planners read the untouched workload and record problems and
 * array appends here; only when no problem was found are the appends applied (apply-plan.ts).
 * Planning everything first is what lets admission report every problem at once and never emit
 * half a patch.
 */
import { type PathSegment, toJsonPointer } from './json-pointer';
import { describeJsonType, isRecord, ownProperty } from './json-value';
import { type MountRequest, type PatchProblem, type PatchProblemCode } from './patch-types';

/** Items to add at the end of the array at `path` (the array, and objects above it, are created when missing). */
export interface PlannedAppend {
  path: readonly PathSegment[];
  items: readonly unknown[];
}

/** What lies at a path: a value, nothing (with the first missing step), or a non-container on the way. */
export type PathRead =
  | { state: 'present'; value: unknown }
  | { state: 'absent'; missing: readonly PathSegment[] }
  | { state: 'malformed'; at: readonly PathSegment[]; found: unknown };

/**
 * Walks `path` from `root`. `null` counts as absent: it is how JSON spells "unset", and the API
 * server treats both alike.
 */
export function readPath(root: unknown, path: readonly PathSegment[]): PathRead {
  let node = root;
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index];
    let child: unknown;
    if (typeof segment === 'number') {
      if (!Array.isArray(node)) return { state: 'malformed', at: path.slice(0, index), found: node };
      child = node[segment];
    } else if (segment !== undefined) {
      if (!isRecord(node)) return { state: 'malformed', at: path.slice(0, index), found: node };
      child = ownProperty(node, segment);
    }
    if (child === undefined || child === null) return { state: 'absent', missing: path.slice(0, index + 1) };
    node = child;
  }
  return { state: 'present', value: node };
}

export class PatchPlan {
  readonly problems: PatchProblem[] = [];
  readonly appends: PlannedAppend[] = [];

  constructor(
    readonly root: Record<string, unknown>,
    readonly mounts: readonly MountRequest[],
  ) {}

  report(code: PatchProblemCode, message: string, path?: readonly PathSegment[], volumeId?: string): void {
    const problem: PatchProblem = { code, message };
    if (path !== undefined) problem.path = toJsonPointer(path);
    if (volumeId !== undefined) problem.volumeId = volumeId;
    this.problems.push(problem);
  }

  /** An object the kind cannot do without (a pod spec, a replica map): NO_POD_SPEC when absent. */
  requireObject(path: readonly PathSegment[], what: string): Record<string, unknown> | undefined {
    const read = readPath(this.root, path);
    if (read.state === 'absent') {
      this.report('NO_POD_SPEC', `Missing ${what}: ${toJsonPointer(read.missing)} is not set, so there is no pod description to mount data volumes into`, path);
      return undefined;
    }
    return this.expectObject(read, path, what);
  }

  /** An object that may be absent; undefined when absent or malformed (the latter is reported). */
  optionalObject(path: readonly PathSegment[], what: string): Record<string, unknown> | undefined {
    const read = readPath(this.root, path);
    return read.state === 'absent' ? undefined : this.expectObject(read, path, what);
  }

  /** An item of an array that must be an object (a container, a replica, a task): MALFORMED otherwise, null included. */
  objectEntry(path: readonly PathSegment[], what: string): Record<string, unknown> | undefined {
    const read = readPath(this.root, path);
    if (read.state === 'absent') return this.malformed(path, null, 'an object', what);
    return this.expectObject(read, path, what);
  }

  /** An array that may be absent; undefined when absent or malformed (the latter is reported). */
  optionalArray(path: readonly PathSegment[], what: string): readonly unknown[] | undefined {
    const read = readPath(this.root, path);
    if (read.state === 'absent') return undefined;
    if (read.state === 'malformed') return this.malformed(read.at, read.found, 'an object', what);
    if (!Array.isArray(read.value)) return this.malformed(path, read.value, 'an array', what);
    return read.value;
  }

  /** An array that must hold at least one item: NO_POD_SPEC when absent or empty. */
  requireNonEmptyArray(path: readonly PathSegment[], what: string, whenEmpty: string): readonly unknown[] | undefined {
    const items = this.optionalArray(path, what);
    if (items !== undefined && items.length > 0) return items;
    if (items !== undefined || readPath(this.root, path).state === 'absent') this.report('NO_POD_SPEC', whenEmpty, path);
    return undefined;
  }

  /**
   * Records items to append to the array at `path`. Missing arrays and objects on the way are
   * created later; anything present on the way must already be an object (the last an array).
   */
  append(path: readonly PathSegment[], items: readonly unknown[], what: string): void {
    const read = readPath(this.root, path);
    if (read.state === 'malformed') {
      this.malformed(read.at, read.found, 'an object', what);
      return;
    }
    if (read.state === 'present' && !Array.isArray(read.value)) {
      this.malformed(path, read.value, 'an array', what);
      return;
    }
    if (items.length > 0) this.appends.push({ path, items });
  }

  private expectObject(read: PathRead, path: readonly PathSegment[], what: string): Record<string, unknown> | undefined {
    if (read.state === 'malformed') return this.malformed(read.at, read.found, 'an object', what);
    if (read.state === 'present' && !isRecord(read.value)) return this.malformed(path, read.value, 'an object', what);
    return read.state === 'present' && isRecord(read.value) ? read.value : undefined;
  }

  private malformed(at: readonly PathSegment[], found: unknown, expected: string, what: string): undefined {
    this.report(
      'MALFORMED_WORKLOAD',
      `${at.length === 0 ? 'The workload' : toJsonPointer(at)} must be ${expected}, found ${describeJsonType(found)} (while reading ${what})`,
      at,
    );
    return undefined;
  }
}
