import { MAX_BATCH_RULES } from '@dv/contracts';

export interface BatchCreateInput<S, P> {
  subjects: S[];
  scopes: P[];
}

export interface BatchCreatePlan<S, P> {
  /** At most two calls of dv.authz.access-rules.batch-create, each within its bound, making the first `MAX_BATCH_RULES` pairs. */
  calls: BatchCreateInput<S, P>[];
  /** The pairs past the bound, in order: each fails alone. */
  beyond: { subject: S; scope: P }[];
}

/**
 * The pairs subject × scope in order (subject by subject, each with every scope), the first
 * `MAX_BATCH_RULES` as whole rows of subjects (one call) and the next subject with the scopes that
 * still fit (a second call); the rest beyond.
 */
export function batchCreatePlan<S, P>(input: BatchCreateInput<S, P>, max = MAX_BATCH_RULES): BatchCreatePlan<S, P> {
  const { subjects, scopes } = input;
  const wholeRows = Math.min(subjects.length, Math.floor(max / scopes.length));
  const calls: BatchCreateInput<S, P>[] = [];
  if (wholeRows > 0) calls.push({ subjects: subjects.slice(0, wholeRows), scopes });
  const partial = wholeRows < subjects.length ? max - wholeRows * scopes.length : 0;
  if (partial > 0) calls.push({ subjects: subjects.slice(wholeRows, wholeRows + 1), scopes: scopes.slice(0, partial) });
  const beyond: { subject: S; scope: P }[] = [];
  subjects.forEach((subject, i) =>
    scopes.forEach((scope, j) => {
      if (i * scopes.length + j >= max) beyond.push({ subject, scope });
    }),
  );
  return { calls, beyond };
}
