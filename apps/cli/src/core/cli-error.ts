/**
 * Exit codes of `dv`, stable for scripts: what went wrong, not where.
 * 0 done · 1 failed (the server's fault or ours) · 2 the request was wrong (bad flags, or the API's 400) ·
 * 3 not signed in or the token refused (401) · 4 not allowed (403) · 5 not found (404) ·
 * 6 conflict (409 name taken, 412 a precondition such as a volume in use) · 7 unavailable (503, network, timeout).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unauthenticated: 3, forbidden: 4, notFound: 5, conflict: 6, unavailable: 7 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the command line reports on stderr (one line, no stack) and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The API's error body, when the error is an API answer (printed with --json). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }

  static usage(message: string): CliError {
    return new CliError(message, EXIT.usage);
  }
}

/** The exit code of an API answer's status. */
export function exitCodeOfStatus(status: number): ExitCode {
  if (status === 400 || status === 413 || status === 415) return EXIT.usage;
  if (status === 401) return EXIT.unauthenticated;
  if (status === 403) return EXIT.forbidden;
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 412) return EXIT.conflict;
  if (status === 429 || status === 502 || status === 503 || status === 504) return EXIT.unavailable;
  return EXIT.failed;
}
