import { DvError } from '@dv/contracts';

interface MongoLikeError {
  code?: unknown;
  keyValue?: unknown;
  keyPattern?: unknown;
  message?: unknown;
}

export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as MongoLikeError;
  return e.code === 11000 || e.code === 11001 || (typeof e.message === 'string' && e.message.includes('E11000'));
}

/**
 * A unique-index violation becomes CONFLICT naming the key; anything else is passed on unchanged.
 * MongoDB reports the key; FerretDB does not, so the caller may say which unique fields it has.
 */
export function mapMongoError(error: unknown, what = 'document', uniqueFields?: string): unknown {
  if (!isDuplicateKeyError(error)) return error;
  const e = error as MongoLikeError;
  const key = typeof e.keyValue === 'object' && e.keyValue !== null ? (e.keyValue as Record<string, unknown>) : undefined;
  const fields = key ? Object.keys(key).join(', ') : (uniqueFields ?? 'unique key');
  return DvError.conflict(`a ${what} with the same ${fields} already exists`, key ? { key } : undefined);
}
