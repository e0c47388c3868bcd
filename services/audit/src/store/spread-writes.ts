import { type Collection, type mongo } from 'mongoose';

type AnyBulkWriteOperation<T extends mongo.Document> = mongo.AnyBulkWriteOperation<T>;
type OptionalUnlessRequiredId<T> = mongo.OptionalUnlessRequiredId<T>;

interface WriteErrorLike {
  index: number;
  code?: number;
}

/** The indexes of the documents a write refused as duplicates, or undefined when it failed otherwise. */
export function duplicateIndexes(error: unknown): number[] | undefined {
  if (typeof error !== 'object' || error === null || !('writeErrors' in error)) return undefined;
  const raw = (error as { writeErrors: unknown }).writeErrors;
  const list = (Array.isArray(raw) ? raw : [raw]) as WriteErrorLike[];
  if (list.some((e) => typeof e?.index !== 'number' || e.code !== 11000)) return undefined;
  return list.map((e) => e.index);
}

function group<T>(items: readonly T[], collOf: (item: T) => Collection<never>): Map<Collection<never>, { item: T; at: number }[]> {
  const groups = new Map<Collection<never>, { item: T; at: number }[]>();
  items.forEach((item, at) => {
    const c = collOf(item);
    const list = groups.get(c);
    if (list) list.push({ item, at });
    else groups.set(c, [{ item, at }]);
  });
  return groups;
}

/**
 * Inserts documents spread over several collections (one unordered insert per collection, side by
 * side). Returns the indexes (in `docs`) of those refused as duplicates; throws on any other error.
 */
export async function insertSpread<T extends { _id: string }>(docs: readonly T[], collOf: (doc: T) => Collection<T>): Promise<number[]> {
  const conflicts: number[] = [];
  const groups = group(docs, collOf as unknown as (doc: T) => Collection<never>);
  await Promise.all(
    [...groups].map(async ([c, list]) => {
      try {
        await (c as unknown as Collection<T>).insertMany(
          list.map((l) => l.item as OptionalUnlessRequiredId<T>),
          { ordered: false },
        );
      } catch (error) {
        const dup = duplicateIndexes(error);
        if (!dup) throw error;
        for (const i of dup) conflicts.push(list[i]?.at ?? -1);
      }
    }),
  );
  return conflicts.filter((i) => i >= 0).sort((a, b) => a - b);
}

/** Bulk writes spread over several collections (one unordered bulkWrite per collection, side by side). */
export async function bulkSpread<T extends { _id: string }>(ops: readonly { id: string; op: AnyBulkWriteOperation<T> }[], collOf: (id: string) => Collection<T>): Promise<void> {
  const groups = group(ops, (o) => collOf(o.id) as unknown as Collection<never>);
  await Promise.all([...groups].map(([c, list]) => (c as unknown as Collection<T>).bulkWrite(list.map((l) => l.item.op), { ordered: false })));
}
