import { useEffect, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  /** True until the answer for the current key came (the previous key's data stays meanwhile). */
  loading: boolean;
}

/**
 * One API read per key (a page's id, a table's query): aborted when the key changes before the
 * answer, and an answer for an old key is never shown as the current one. `load` is read at each key change.
 */
export function useLoad<T>(key: unknown, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [result, setResult] = useState<{ key: unknown; data?: T; error?: unknown } | undefined>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    load(abort.signal)
      .then((data) => setResult({ key, data }))
      .catch((error: unknown) => {
        if (!abort.signal.aborted) setResult({ key, error });
      });
    return () => abort.abort();
    // The key says when to load again; `load` is a new function at every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const loading = result === undefined || result.key !== key;
  return { data: result?.data, error: loading ? undefined : result.error, loading };
}
