/** The levels a log line can carry, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** What LOG_LEVEL may be set to; fatal lines are written whenever error lines are. */
export const LOG_LEVEL_SETTINGS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevelSetting = (typeof LOG_LEVEL_SETTINGS)[number];

const SEVERITY: Record<LogLevelName, number> = { fatal: 5, error: 4, warn: 3, info: 2, debug: 1 };

// Nest's own level names, so setLogLevels and Nest-style configuration keep working.
const ALIASES: Record<string, LogLevelName> = { log: 'info', verbose: 'debug', trace: 'debug' };

/** LOG_LEVEL (any case, Nest aliases accepted) as a level name; unknown or unset means info. */
export function parseLogLevel(raw: string | undefined): LogLevelName {
  const lower = (raw ?? '').trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(lower)) return lower as LogLevelName;
  return ALIASES[lower] ?? 'info';
}

/** Every level at or above `threshold`. */
export function levelsFrom(threshold: LogLevelName): Set<LogLevelName> {
  return new Set(LOG_LEVELS.filter((level) => SEVERITY[level] >= SEVERITY[threshold]));
}
