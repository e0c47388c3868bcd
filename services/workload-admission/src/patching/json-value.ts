/**
 * Helpers over parsed JSON values. Admission receives whatever the user wrote, so every reader
 * narrows from `unknown` instead of trusting a shape, and copies never share structure with the
 * caller's object (the patcher promises not to mutate its input).
 */

/** A JSON object: arrays and null are not records. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property only, so keys such as `__proto__` or `constructor` never reach the prototype. */
export function ownProperty(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets an own data property; defining (rather than assigning) keeps a `__proto__` key a plain key. */
export function setOwnProperty(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Deep copy of a JSON value. Hand-written because structuredClone throws on functions and keeps prototypes. */
export function cloneJson<T>(value: T): T {
  return cloneUnknown(value) as T;
}

function cloneUnknown(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneUnknown);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cloneUnknown(item)]));
  return value;
}

/** Structural equality of JSON values (key order ignored, array order significant). */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (Array.isArray(left) || Array.isArray(right)) {
    return Array.isArray(left) && Array.isArray(right) && left.length === right.length && left.every((item, index) => jsonEqual(item, right[index]));
  }
  if (isRecord(left) || isRecord(right)) {
    if (!isRecord(left) || !isRecord(right)) return false;
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
  }
  return Object.is(left, right);
}

/** Names a value's JSON type for error messages ("a string", "null", "an array"). */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (isRecord(value)) return 'an object';
  return `a ${typeof value}`;
}

/** Unset in JSON terms: missing or null (the API server treats both alike). */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}
