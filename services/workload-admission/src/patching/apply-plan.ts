/**
 * Turns planned appends into the patched copy and the RFC 6902 patch that produces it. An array
 * that exists gets one `/-` add per item (what the user wrote stays first, in order); a missing
 * array, with any missing objects above it, is created by a single add of the whole value.
 */
import { type PathSegment, toJsonPointer } from './json-pointer';
import { cloneJson, isRecord, ownProperty, setOwnProperty } from './json-value';
import { type PlannedAppend } from './patch-plan';
import { type JsonPatchOp } from './patch-types';

export function applyPlan(workload: Record<string, unknown>, appends: readonly PlannedAppend[]): { patched: Record<string, unknown>; patch: JsonPatchOp[] } {
  const patched = cloneJson(workload);
  const patch: JsonPatchOp[] = [];
  for (const append of appends) applyAppend(patched, append, patch);
  return { patched, patch };
}

function applyAppend(root: Record<string, unknown>, { path, items }: PlannedAppend, patch: JsonPatchOp[]): void {
  let node: unknown = root;
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index];
    if (segment === undefined) return;
    const isLast = index === path.length - 1;
    const next = read(node, segment);
    if (next === undefined || next === null) {
      if (!isRecord(node) || typeof segment === 'number')
        throw new Error(`Planned append at ${toJsonPointer(path)} cannot create ${toJsonPointer(path.slice(0, index + 1))}`);
      const value = nest(path.slice(index + 1), items);
      patch.push({ op: 'add', path: toJsonPointer(path.slice(0, index + 1)), value: cloneJson(value) });
      setOwnProperty(node, segment, value);
      return;
    }
    if (isLast) {
      if (!Array.isArray(next)) throw new Error(`Planned append at ${toJsonPointer(path)} found no array`);
      for (const item of items) {
        patch.push({ op: 'add', path: `${toJsonPointer(path)}/-`, value: cloneJson(item) });
        next.push(cloneJson(item));
      }
      return;
    }
    node = next;
  }
}

function read(node: unknown, segment: PathSegment): unknown {
  if (typeof segment === 'number') return Array.isArray(node) ? node[segment] : undefined;
  return isRecord(node) ? ownProperty(node, segment) : undefined;
}

/** `['a', 'b']` and `[x]` → `{ a: { b: [x] } }`: the value that creates a missing branch in one add. */
function nest(rest: readonly PathSegment[], items: readonly unknown[]): unknown {
  let value: unknown = cloneJson([...items]);
  for (let index = rest.length - 1; index >= 0; index -= 1) {
    const nested: Record<string, unknown> = {};
    setOwnProperty(nested, String(rest[index]), value);
    value = nested;
  }
  return value;
}
