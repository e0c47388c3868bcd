import { type z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error';
import { describeEnvValue } from './describe-env-value';

/**
 * Parses the environment with a zod schema (usually `z.object({...})` of env* fields) and returns the
 * typed config, or throws a ConfigError naming every bad variable. An empty variable counts as
 * unset, because manifests often render an absent value as "".
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(toProblems(result.error.issues, present));
}

function toProblems(issues: readonly z.core.$ZodIssue[], env: Record<string, string | undefined>): ConfigProblem[] {
  const reasons = new Map<string, string[]>();
  for (const issue of issues) {
    const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(environment)';
    const raw = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
    const reason = issue.path.length === 0 ? issue.message : raw === undefined ? 'required' : `${issue.message}, got ${describeEnvValue(variable, raw)}`;
    const list = reasons.get(variable) ?? [];
    if (!list.includes(reason)) list.push(reason);
    reasons.set(variable, list);
  }
  return [...reasons].map(([variable, list]) => ({ variable, reason: list.join(' and ') }));
}
