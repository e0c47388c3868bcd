import { type LoggerService, type LogLevel } from '@nestjs/common';
import { currentTraceIds } from '../tracing/current-trace-ids';
import { levelsFrom, type LogLevelName, parseLogLevel } from './log-level';
import { safeJsonStringify } from './safe-json-stringify';
import { splitLogArgs } from './split-log-args';

/** Where lines go; process.stdout/stderr by default, a buffer in tests. */
export interface LogSink {
  write(line: string): unknown;
}

export interface JsonLoggerOptions {
  /** Lowest level written; defaults to LOG_LEVEL (error|warn|info|debug), else info. */
  level?: LogLevelName;
  /** Context for lines that name none (Nest's Logger passes its own). */
  context?: string;
  /** Fields added to every line. */
  fields?: Record<string, unknown>;
  stdout?: LogSink;
  stderr?: LogSink;
}

const RESERVED = new Set(['time', 'level', 'service', 'context', 'msg', 'traceId', 'spanId']);

/**
 * One JSON object per line: `{time, level, service, context, msg, traceId, spanId, ...fields}`,
 * error and fatal to stderr, the rest to stdout. Serves as Nest's logger
 * (`NestFactory.create(AppModule, { logger: new JsonLogger('volume') })`) and directly:
 * `log.info('volume registered', { volumeId })`, `log.error('mount failed', err, { volumeId })`.
 * Logging never throws.
 */
export class JsonLogger implements LoggerService {
  private enabled: Set<LogLevelName>;
  private readonly stdout: LogSink;
  private readonly stderr: LogSink;

  constructor(
    readonly service: string,
    private readonly options: JsonLoggerOptions = {},
  ) {
    this.enabled = levelsFrom(options.level ?? parseLogLevel(process.env['LOG_LEVEL']));
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
  }

  /** A logger for one component: same service, level and sinks, its own context and fixed fields. */
  child(context: string, fields: Record<string, unknown> = {}): JsonLogger {
    const child = new JsonLogger(this.service, { ...this.options, context, fields: { ...this.options.fields, ...fields } });
    child.enabled = this.enabled;
    return child;
  }

  isLevelEnabled(level: LogLevelName): boolean {
    return this.enabled.has(level);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  info(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  /** Nest's name for info. */
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  /** Nest's finest level; written as debug. */
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  /** Called by Nest with its level names (log, verbose, ...); replaces LOG_LEVEL. */
  setLogLevels(levels: LogLevel[]): void {
    this.enabled = new Set(levels.map(parseLogLevel));
  }

  private write(level: LogLevelName, message: unknown, params: readonly unknown[]): void {
    if (!this.enabled.has(level)) return;
    try {
      const sink = level === 'error' || level === 'fatal' ? this.stderr : this.stdout;
      sink.write(`${this.format(level, message, params)}\n`);
    } catch {
      // A closed or broken stream must not take the caller down with it.
    }
  }

  private format(level: LogLevelName, message: unknown, params: readonly unknown[]): string {
    const { msg, context, fields } = splitLogArgs(message, params);
    const ids = currentTraceIds();
    const base = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      context: context ?? this.options.context,
      msg,
      traceId: ids?.traceId,
      spanId: ids?.spanId,
    };
    const line: Record<string, unknown> = { ...base };
    // Fields never overwrite the fixed keys; a clashing field is kept under a prefixed name.
    for (const [key, value] of Object.entries({ ...this.options.fields, ...fields })) line[RESERVED.has(key) ? `_${key}` : key] = value;
    return safeJsonStringify(line) ?? JSON.stringify({ ...base, logError: 'fields could not be serialized' });
  }
}
