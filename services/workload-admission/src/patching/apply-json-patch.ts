/**
 * A minimal RFC 6902 applier for the `add` operation, the only one the patcher emits. Tests use it
 * to prove that the patch and the patched object say the same thing, and callers can use it to
 * verify a patch before sending it to the API server.
 */
import { parseJsonPointer } from './json-pointer';
import { cloneJson, isRecord, setOwnProperty } from './json-value';
import { type JsonPatchOp } from './patch-types';

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** Applies add-only patches (for tests and for callers that verify); throws on a path that does not exist. */
export function applyJsonPatch<T>(document: T, patch: readonly JsonPatchOp[]): T {
  let result: unknown = cloneJson(document);
  for (const operation of patch) result = applyAdd(result, operation);
  return result as T;
}

function applyAdd(document: unknown, operation: JsonPatchOp): unknown {
  const { op, path } = operation as { op: unknown; path: unknown };
  if (op !== 'add') throw new Error(`Unsupported JSON patch operation "${String(op)}": only "add" is applied`);
  if (typeof path !== 'string') throw new Error('A JSON patch operation needs a string path');
  const segments = parseJsonPointer(path);
  const value = cloneJson(operation.value);
  const last = segments.pop();
  if (last === undefined) return value;
  let parent = document;
  for (const segment of segments) parent = child(parent, segment, path);
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(value);
    else if (ARRAY_INDEX.test(last) && Number(last) <= parent.length) parent.splice(Number(last), 0, value);
    else throw new Error(`Cannot add at "${path}": "${last}" is not a valid index of an array of ${parent.length}`);
  } else if (isRecord(parent)) {
    setOwnProperty(parent, last, value);
  } else {
    throw new Error(`Cannot add at "${path}": its parent does not exist or is not a container`);
  }
  return document;
}

function child(node: unknown, segment: string, path: string): unknown {
  if (Array.isArray(node) && ARRAY_INDEX.test(segment) && Number(segment) < node.length) return node[Number(segment)];
  if (isRecord(node) && Object.hasOwn(node, segment)) return node[segment];
  throw new Error(`Cannot add at "${path}": "${segment}" does not exist`);
}
