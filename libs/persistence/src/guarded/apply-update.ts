import { DvError } from '@dv/contracts';

/** The update operators a guarded write applies itself: the store is never asked to check a guard. */
export interface PlainUpdate {
  $set?: object;
  $unset?: object;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function pathOf(key: string): string[] {
  const parts = key.split('.');
  if (parts.some((p) => p === '' || UNSAFE_KEYS.has(p))) throw DvError.validation(`update path '${key}' is not allowed`);
  return parts;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A copy of `doc` with `$set` and `$unset` applied (dotted paths create plain objects on the way). */
export function applyUpdate<T extends object>(doc: T, update: PlainUpdate): T {
  for (const op of Object.keys(update)) {
    if (op !== '$set' && op !== '$unset') throw DvError.validation(`a guarded write applies only $set and $unset, not ${op}`);
  }
  const next: Record<string, unknown> = structuredClone(doc) as Record<string, unknown>;
  for (const [key, value] of Object.entries(update.$set ?? {})) {
    const parts = pathOf(key);
    let target = next;
    for (const part of parts.slice(0, -1)) {
      const child = target[part];
      if (!isRecord(child)) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1] as string] = value;
  }
  for (const key of Object.keys(update.$unset ?? {})) {
    const parts = pathOf(key);
    let target: Record<string, unknown> | undefined = next;
    for (const part of parts.slice(0, -1)) {
      const child: unknown = target?.[part];
      target = isRecord(child) ? child : undefined;
    }
    if (target) delete target[parts[parts.length - 1] as string];
  }
  return next as T;
}
