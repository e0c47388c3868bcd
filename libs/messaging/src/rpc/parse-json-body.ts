import { DvError } from '@dv/contracts';

/**
 * How deep a request body may nest. Far above any real request (a Kubernetes workload nests about
 * 20 levels), far below what JSON.stringify and our canonical JSON can walk (a body nested a few
 * thousand levels deep made them throw a RangeError, answered INTERNAL), and low enough that an event
 * carrying the body (its envelope and data add a few levels) still has a canonical form in the audit
 * log (CANONICAL_MAX_DEPTH, 128).
 */
export const MAX_BODY_DEPTH = 64;

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

/** A string that is not well-formed UTF-16: a high surrogate not followed by a low one, or a low one alone. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Parses a JSON body from the wire, refusing with VALIDATION_FAILED (naming the problem and where)
 * what no request of ours can mean and what would break further on: bytes that are not UTF-8, text
 * that is not JSON, nesting deeper than MAX_BODY_DEPTH, a string or key holding a lone surrogate
 * (it has no UTF-8 form: a database would store U+FFFD, and a hash taken over it would no longer
 * match), a NUL character (no identifier or text of ours holds one; BSON keys and PostgreSQL text
 * cannot), and the key `__proto__` (an assignment copying it would replace the copy's prototype).
 * An empty body is `{}` (a request with no parameters).
 */
export function parseJsonBody(bytes: Uint8Array, what = 'request body'): unknown {
  if (bytes.length === 0) return {};
  let text: string;
  try {
    text = fatalDecoder.decode(bytes);
  } catch {
    throw DvError.validation(`${what} is not valid UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw DvError.validation(`${what} is not JSON`);
  }
  checkJsonValue(value, what);
  return value;
}

/** The checks of parseJsonBody on a value already parsed (e.g. by an HTTP server), with its own depth limit if need be. */
export function checkJsonValue(value: unknown, what = 'request body', maxDepth = MAX_BODY_DEPTH): void {
  const problem = findProblem(value, 0, '', maxDepth);
  if (problem)
    throw DvError.validation(`${what} ${problem.message}${problem.path ? ` (at ${problem.path})` : ''}`, {
      path: problem.path || '(root)',
      reason: problem.reason,
    });
}

interface Problem {
  reason: 'too-deep' | 'lone-surrogate' | 'nul-character' | 'proto-key';
  message: string;
  path: string;
}

const join = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${String(key)}`);

function checkString(s: string, path: string): Problem | undefined {
  if (LONE_SURROGATE.test(s)) return { reason: 'lone-surrogate', message: 'holds a string that is not well-formed Unicode (a lone surrogate)', path };
  if (s.includes('\0')) return { reason: 'nul-character', message: 'holds a NUL character', path };
  return undefined;
}

/** Depth-first, stopping at the first problem; never recurses past maxDepth + 1. */
function findProblem(value: unknown, depth: number, path: string, maxDepth: number): Problem | undefined {
  if (typeof value === 'string') return checkString(value, path);
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= maxDepth) return { reason: 'too-deep', message: `nests deeper than ${maxDepth} levels`, path };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findProblem(value[i], depth + 1, join(path, i), maxDepth);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return { reason: 'proto-key', message: 'holds the key __proto__', path };
    const keyProblem = checkString(key, join(path, '(key)'));
    if (keyProblem) return keyProblem;
    const problem = findProblem((value as Record<string, unknown>)[key], depth + 1, join(path, key), maxDepth);
    if (problem) return problem;
  }
  return undefined;
}
