import { serializeError } from './serialize-error';

interface Ancestor {
  /** What JSON.stringify walks into (a replacement object for Errors, Maps and Sets). */
  holder: object;
  /** The value as found in the input, used to recognize cycles. */
  original: object;
}

/**
 * JSON.stringify that never throws on what a log call may be handed: cycles become "[Circular]"
 * (repeated but acyclic references are kept), Errors keep name/message/stack, bigints become
 * strings, Maps/Sets become objects/arrays, Buffers are summarized. Anything else that still
 * throws (a throwing getter) yields undefined so the caller can fall back.
 */
export function safeJsonStringify(value: unknown): string | undefined {
  const ancestors: Ancestor[] = [];
  try {
    return JSON.stringify(value, function (this: unknown, key: string, current: unknown): unknown {
      if (typeof current === 'bigint') return current.toString();
      if (typeof current !== 'object' || current === null) return current;
      const original = originalOf(this, key) ?? current;
      if (Buffer.isBuffer(original)) return `[Buffer ${original.length} bytes]`;
      while (ancestors.length > 0 && ancestors[ancestors.length - 1]?.holder !== this) ancestors.pop();
      if (ancestors.some((a) => a.original === original)) return '[Circular]';
      const replacement = replace(original);
      ancestors.push({ holder: replacement ?? current, original });
      return replacement ?? current;
    });
  } catch {
    return undefined;
  }
}

// JSON.stringify hands the replacer the result of toJSON(); the holder still has the original.
function originalOf(holder: unknown, key: string): object | undefined {
  if (typeof holder !== 'object' || holder === null) return undefined;
  const original: unknown = (holder as Record<string, unknown>)[key];
  return typeof original === 'object' && original !== null ? original : undefined;
}

function replace(value: object): object | undefined {
  if (value instanceof Error) return serializeError(value);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]: [unknown, unknown]) => [String(k), v]));
  if (value instanceof Set) return [...value];
  return undefined;
}
