/**
 * RFC 6901 JSON pointers. Keys of user objects may hold `/` or `~` (a replica type such as
 * `Worker/gpu`), so every segment is escaped; an unescaped key would address another place.
 */

/** One step into a JSON value: a key of an object, or an index into an array. */
export type PathSegment = string | number;

/** `~` → `~0` first, then `/` → `~1` (the other order would turn `/` into `~01`). */
export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Reverses {@link escapePointerSegment}: `~1` first, then `~0`. */
export function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The pointer of a path; the empty path is the whole document (`''`). */
export function toJsonPointer(path: readonly PathSegment[]): string {
  return path.map((segment) => `/${escapePointerSegment(String(segment))}`).join('');
}

/** Splits a pointer into unescaped segments; throws on a pointer that does not start with `/`. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`Invalid JSON pointer "${pointer}": it must be empty or start with "/"`);
  return pointer.slice(1).split('/').map(unescapePointerSegment);
}
