import { DvError, type ErrorBody, describeIssues, summarizeIssues } from '@dv/contracts';
import { ZodError } from 'zod';
import { isUnavailableDependencyError } from './unavailable-dependency';

/**
 * Maps anything a handler threw to an error body for the caller. Only DvError and validation
 * errors say what went wrong; anything else is INTERNAL with the request id to find it in the logs,
 * never a stack or an internal message.
 */
export function toErrorBody(error: unknown, requestId: string): ErrorBody {
  if (error instanceof DvError) return error.toBody();
  if (error instanceof ZodError) {
    return { code: 'VALIDATION_FAILED', message: summarizeIssues(error), details: { issues: describeIssues(error) } };
  }
  if (isUnavailableDependencyError(error)) {
    return { code: 'UNAVAILABLE', message: `a server this service depends on cannot be reached; try again (request ${requestId})`, details: { requestId } };
  }
  return { code: 'INTERNAL', message: `internal error; see the logs for request ${requestId}`, details: { requestId } };
}
