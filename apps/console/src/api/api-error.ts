/** A non-2xx answer of the API (`{code, message, details?}`), or no answer at all (status 0). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The state a page shows for it. */
  get kind(): 'unauthenticated' | 'forbidden' | 'unavailable' | 'not-found' | 'invalid' | 'failed' {
    if (this.status === 401) return 'unauthenticated';
    if (this.status === 403) return 'forbidden';
    if (this.status === 503 || this.status === 0) return 'unavailable';
    if (this.status === 404) return 'not-found';
    if (this.status === 400 || this.status === 409 || this.status === 422) return 'invalid';
    return 'failed';
  }
}
