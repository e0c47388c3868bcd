/** Bad arguments, environment or input files: the CLI prints it on one line and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
