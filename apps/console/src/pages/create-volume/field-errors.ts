/** The platform's error body: `{code, message, details?}` (a 400's details list the bad fields). */
export interface ErrorBody {
  code: number;
  message: string;
  details?: unknown;
}

export function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null) return false;
  const o = body as Record<string, unknown>;
  return typeof o['code'] === 'number' && typeof o['message'] === 'string';
}

/**
 * An API error as messages per form field, so each shows next to the field it concerns: a 400's
 * `details.issues[].field`, else the first field the details name (a 409's `name`, a 404's
 * `originPvcName`), else the whole form (`''`).
 */
export function fieldErrors(body: ErrorBody, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const details = typeof body.details === 'object' && body.details !== null ? (body.details as Record<string, unknown>) : {};
  const issues = details['issues'];
  if (Array.isArray(issues)) {
    for (const issue of issues as unknown[]) {
      if (typeof issue !== 'object' || issue === null) continue;
      const { field, message } = issue as { field?: unknown; message?: unknown };
      if (typeof field !== 'string' || typeof message !== 'string') continue;
      const key = fields.includes(field) ? field : '';
      out[key] = out[key] === undefined ? message : `${out[key]}; ${message}`;
    }
    if (Object.keys(out).length > 0) return out;
  }
  const named = fields.find((f) => details[f] !== undefined);
  out[named ?? ''] = body.message;
  return out;
}

/** An ApiError (status, message, details) as fields' messages: see fieldErrors. */
export function apiFieldErrors(error: { status: number; message: string; details?: unknown }, fields: readonly string[]): Record<string, string> {
  return fieldErrors({ code: error.status, message: error.message, details: error.details }, fields);
}
