import { type LogSink } from '@dv/telemetry';

export interface BatchOptions {
  /** How long a line may wait before it is written. */
  maxDelayMs: number;
  /** Characters gathered that are written at once, without waiting. */
  maxChars: number;
}

/** A tenth of a second, or 64 K characters (about 150 access log lines). */
const DEFAULTS: BatchOptions = { maxDelayMs: 100, maxChars: 64 * 1024 };

/**
 * Log lines gathered and written as one write when `maxChars` are waiting or the first of them has
 * waited `maxDelayMs`: the access log writes a line per request, and stdout (a file or a pipe) is
 * written synchronously on Linux, one system call per write. Once per turn of the event loop was still
 * a write every few requests, 6% of the gateway's CPU under load (test/bench/gateway.bench.ts,
 * profiled). `flush()` at shutdown writes the rest; a crash loses at most the last `maxDelayMs` of lines.
 * The timer does not keep the process alive.
 */
export class BatchedLineSink implements LogSink {
  private lines: string[] = [];
  private chars = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly target: LogSink = process.stdout,
    private readonly options: BatchOptions = DEFAULTS,
  ) {}

  write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= this.options.maxChars) this.flush();
    else if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), this.options.maxDelayMs).unref();
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const text = this.lines.join('');
    this.lines = [];
    this.chars = 0;
    try {
      this.target.write(text);
    } catch {
      // A closed or broken stream must not take the gateway down (as JsonLogger does).
    }
  }
}
