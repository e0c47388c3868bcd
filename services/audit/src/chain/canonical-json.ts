/**
 * How deep a value may nest. A fixed limit (not the call stack, which differs between processes and
 * call sites) means a value either has a canonical form everywhere or nowhere: the writer that seals
 * a record and every later verify agree.
 */
export const CANONICAL_MAX_DEPTH = 128;

/** A value with no canonical form (nested deeper than CANONICAL_MAX_DEPTH). */
export class CanonicalJsonError extends Error {}

/** Whether JSON.stringify would escape something in the string: a quote, a backslash, a control character, a surrogate. */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/** A JSON string literal, exactly as JSON.stringify writes it (most strings need no escaping: no call into it). */
export function jsonString(s: string): string {
  return needsEscape(s) ? JSON.stringify(s) : `"${s}"`;
}

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units), no whitespace, `undefined` members left
 * out, numbers as JSON.stringify writes them. Two equal values always give the same text, whatever
 * order a database or a client returned their keys in: the form every record hash is taken over.
 * Throws CanonicalJsonError for a value nested deeper than CANONICAL_MAX_DEPTH.
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0) ?? 'null';
}

/** The text of a value, or undefined where JSON has none (undefined, functions, symbols). */
function write(value: unknown, depth: number): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    case 'bigint':
      // As JSON.stringify: a TypeError.
      return JSON.stringify(value);
    default:
      return undefined;
  }
  if (depth >= CANONICAL_MAX_DEPTH) throw new CanonicalJsonError(`nested deeper than ${CANONICAL_MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i], depth + 1) ?? 'null';
    }
    return `${out}]`;
  }
  if (value instanceof Date) return jsonString(value.toISOString());
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length > 1) keys.sort(compareKeys);
  let out = '{';
  for (const key of keys) {
    const text = write(object[key], depth + 1);
    if (text === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${jsonString(key)}:${text}`;
  }
  return `${out}}`;
}
