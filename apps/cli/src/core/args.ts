import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError } from './cli-error';

export type FlagSpec = Readonly<Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>;

export type ParsedFlags<F extends FlagSpec> = {
  [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : F[K]['multiple'] extends true ? string[] : string;
};

/** The flags and positional arguments of one command; an unknown flag or a missing value is a usage error (exit 2). */
export function parseFlags<F extends FlagSpec>(
  args: readonly string[],
  flags: F,
  positionals: { min: number; max: number; names: string },
): { flags: ParsedFlags<F>; args: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options: flags as NonNullable<ParseArgsConfig['options']>, allowPositionals: true, strict: true });
  } catch (error) {
    throw CliError.usage(error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error));
  }
  if (parsed.positionals.length < positionals.min) throw CliError.usage(`missing ${positionals.names}`);
  if (parsed.positionals.length > positionals.max) throw CliError.usage(`unexpected argument ${parsed.positionals[positionals.max] ?? ''}`);
  return { flags: parsed.values as ParsedFlags<F>, args: parsed.positionals };
}

/** `type:id` (`department:dept-vision`, `project:p1`). */
export function scopeArg(value: string, flag: string): { scopeType: string; scopeId: string } {
  const at = value.indexOf(':');
  if (at <= 0 || at === value.length - 1) throw CliError.usage(`${flag} ${value}: expected <scopeType>:<scopeId>, e.g. department:dept-vision`);
  return { scopeType: value.slice(0, at), scopeId: value.slice(at + 1) };
}

export function intArg(value: string | undefined, flag: string, bounds: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value) || Number(value) < bounds.min || Number(value) > bounds.max)
    throw CliError.usage(`${flag} must be an integer from ${bounds.min} to ${bounds.max}`);
  return Number(value);
}
