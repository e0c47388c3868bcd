import { DvError } from '@dv/contracts';
import { type z } from 'zod';

export interface FieldIssue {
  /** The field, as the caller wrote it: `limit`, `filterBy[1]`, `name`; `body` for the body as a whole. */
  field: string;
  message: string;
}

/** Parses input or throws VALIDATION_FAILED whose message and details name each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, whole = 'body'): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw validationError(fieldIssues(parsed.error, whole));
}

export function validationError(issues: readonly FieldIssue[]): DvError {
  return DvError.validation(issues.map((i) => `${i.field}: ${i.message}`).join('; '), { issues });
}

/** zod's issues with the field named: an unknown key becomes an issue of that key, not of the object. */
export function fieldIssues(error: z.ZodError, whole: string): FieldIssue[] {
  const all = error.issues.flatMap((issue): FieldIssue[] => {
    const at = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: at === '' ? key : `${at}.${key}`, message: 'is not a field of this call' }));
    }
    return [{ field: at === '' ? whole : at, message: issue.message }];
  });
  // One issue per field, the first (both sides of an intersection report a missing member, in their own words).
  const seen = new Set<string>();
  return all.filter((i) => !seen.has(i.field) && seen.add(i.field) !== undefined);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
