import { safeJsonStringify } from './safe-json-stringify';

/** A log call's arguments sorted into the parts of a log line. */
export interface LogParts {
  msg: string;
  context?: string;
  fields: Record<string, unknown>;
}

const STACK_LIKE = /\n\s+at\s/;

/**
 * Reads both calling conventions: Nest's (`log(message, ...params, context?)`, and for errors
 * `error(message, stack?, context?)`, padded with `undefined` by Nest's Logger) and the plain one
 * (`info(msg, fields?)`, `error(msg, err, fields?)`). A trailing string is the context unless it
 * is a stack trace; Errors go to `err`, plain objects are merged into the fields, other values
 * are kept in `args`.
 */
export function splitLogArgs(message: unknown, params: readonly unknown[]): LogParts {
  const rest = [...params];
  const last = rest[rest.length - 1];
  const context = typeof last === 'string' && !STACK_LIKE.test(last) ? last : undefined;
  if (context !== undefined) rest.pop();

  const fields: Record<string, unknown> = {};
  const args: unknown[] = [];
  const msg = readMessage(message, fields);
  for (const param of rest) {
    if (param === undefined) continue;
    if (param instanceof Error && fields['err'] === undefined) fields['err'] = param;
    else if (typeof param === 'string' && STACK_LIKE.test(param) && fields['stack'] === undefined) fields['stack'] = param;
    else if (isPlainObject(param)) Object.assign(fields, param);
    else args.push(param);
  }
  if (args.length > 0) fields['args'] = args;
  return context === undefined ? { msg, fields } : { msg, context, fields };
}

function readMessage(message: unknown, fields: Record<string, unknown>): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) {
    fields['err'] = message;
    return message.message;
  }
  if (isPlainObject(message)) {
    const key = typeof message['msg'] === 'string' ? 'msg' : typeof message['message'] === 'string' ? 'message' : undefined;
    for (const [name, value] of Object.entries(message)) if (name !== key) fields[name] = value;
    return key === undefined ? '' : String(message[key]);
  }
  // Class instances and arrays: String() would say "[object Object]" or call a user toString().
  if (typeof message === 'object' && message !== null) return safeJsonStringify(message) ?? '[unserializable]';
  return String(message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
