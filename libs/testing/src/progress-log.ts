// Progress lines of the test bed go to stderr, prefixed, so they never mix with a command's stdout.
export type ProgressLog = (line: string) => void;

export const stderrProgressLog: ProgressLog = (line) => {
  process.stderr.write(`[testbed] ${line}\n`);
};

export const silentProgressLog: ProgressLog = () => undefined;
