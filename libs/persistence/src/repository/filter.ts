/** What one field may be compared with: the value itself, or the few operators our queries use. */
export type FieldCondition<V> =
  | V
  | {
      $eq?: V;
      $ne?: V;
      $lt?: V;
      $lte?: V;
      $gt?: V;
      $gte?: V;
      $in?: V[];
      $nin?: V[];
      $exists?: boolean;
    };

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** `field.sub` for a field that holds an array of objects: matches any element (MongoDB's array semantics). */
type ElementPaths<T> = UnionToIntersection<
  {
    [K in keyof T & string]: NonNullable<T[K]> extends readonly (infer E)[]
      ? E extends object
        ? { [S in keyof E & string as `${K}.${S}`]?: FieldCondition<NonNullable<E[S]>> }
        : object
      : object;
  }[keyof T & string]
>;

/**
 * A query filter checked against the document type: only the document's own fields (and the fields
 * of its arrays' elements), each compared with a value of its own type, and `$or` of such filters.
 * A misspelt field or a value of the wrong type does not compile, so no `as QueryFilter<T>` is needed.
 */
export type Filter<T> = { [K in keyof T]?: FieldCondition<NonNullable<T[K]>> } & ElementPaths<T> & { $or?: Filter<T>[] };

/** Sort order over the document's own fields. */
export type Sort<T> = { [K in keyof T]?: 1 | -1 };

/** An update of the document's own fields: `$set` values of their own type, `$unset` by field name. */
export interface Update<T> {
  $set?: Partial<T>;
  $unset?: { [K in keyof T]?: 1 };
}
