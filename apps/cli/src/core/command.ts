import { type FlagSpec, type ParsedFlags, parseFlags } from './args';
import { type Env } from './config-file';

/** Where a command writes: stdout for results, stderr for errors and progress. */
export interface CommandContext {
  env: Env;
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress may redraw one line. */
  errIsTty: boolean;
}

export interface Command {
  /** `list`, `create`… (or the top-level name for `can-i`). */
  name: string;
  summary: string;
  /** What follows the command's name in its usage line: `<id> [-o json|yaml|table]`. */
  usage: string;
  flags: FlagSpec;
  run(args: readonly string[], ctx: CommandContext): Promise<void>;
}

export interface CommandGroup {
  name: string;
  /** Other names (`dv dv` → `datavolume`, `dv volume`). */
  aliases?: readonly string[];
  summary: string;
  commands: readonly Command[];
}

/** The output flags every listing command takes. */
export const OUTPUT_FLAGS = {
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  yaml: { type: 'boolean' },
  table: { type: 'boolean' },
  columns: { type: 'string' },
  'no-headers': { type: 'boolean' },
} as const satisfies FlagSpec;

/** A command whose `run` gets its flags typed from its flag spec (parsed and checked before it runs). */
export function defineCommand<const F extends FlagSpec>(spec: {
  name: string;
  summary: string;
  usage: string;
  flags: F;
  positionals: { min: number; max: number; names: string };
  run(input: { flags: ParsedFlags<F>; args: string[] }, ctx: CommandContext): Promise<void>;
}): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    flags: spec.flags,
    run: (argv, ctx) => spec.run(parseFlags(argv, spec.flags, spec.positionals), ctx),
  };
}
