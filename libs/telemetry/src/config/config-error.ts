/** One invalid environment variable and why it was rejected. */
export interface ConfigProblem {
  readonly variable: string;
  readonly reason: string;
}

/**
 * Thrown by loadConfig when the environment does not satisfy the schema. The message names every
 * bad variable, so a crash-looping pod says everything that is wrong in one log line.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`Invalid environment: ${problems.map((p) => `${p.variable}: ${p.reason}`).join('; ')}`);
    this.problems = problems;
  }
}
