import { type ErrorBody } from './error-body';
import { type ErrorCode } from './error-code';

/**
 * The one exception type of the platform. Handlers throw it; the transport turns it into an error
 * reply with the same code, message and details. Any other thrown value becomes INTERNAL.
 */
export class DvError extends Error {
  override readonly name = 'DvError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }

  static fromBody(body: ErrorBody): DvError {
    return new DvError(body.code, body.message, body.details);
  }

  static validation(message: string, details?: Record<string, unknown>): DvError {
    return new DvError('VALIDATION_FAILED', message, details);
  }

  static notFound(message: string, details?: Record<string, unknown>): DvError {
    return new DvError('NOT_FOUND', message, details);
  }

  static conflict(message: string, details?: Record<string, unknown>): DvError {
    return new DvError('CONFLICT', message, details);
  }

  static forbidden(message: string, details?: Record<string, unknown>): DvError {
    return new DvError('FORBIDDEN', message, details);
  }

  static precondition(message: string, details?: Record<string, unknown>): DvError {
    return new DvError('PRECONDITION_FAILED', message, details);
  }

  static unavailable(message: string, details?: Record<string, unknown>): DvError {
    return new DvError('UNAVAILABLE', message, details);
  }
}

export function isDvError(value: unknown): value is DvError {
  return value instanceof DvError;
}
