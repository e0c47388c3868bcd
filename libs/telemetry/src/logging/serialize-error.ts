export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
  [key: string]: unknown;
}

/**
 * An Error as a plain object for a log line: name, message, stack, its own enumerable fields (e.g.
 * a driver's `code`), and `cause`/`errors`, which are non-enumerable but often the real reason.
 * Nested errors are left as-is; the JSON replacer serializes them in turn and catches cycles.
 */
export function serializeError(error: Error): SerializedError {
  // Spreading copies the own enumerable fields; name, message and stack are not among them.
  const serialized: SerializedError = { ...error, name: error.name, message: error.message, stack: error.stack };
  if ('cause' in error && error.cause !== undefined) serialized['cause'] = error.cause;
  if (error instanceof AggregateError) serialized['errors'] = error.errors;
  return serialized;
}
