import { type LogSink } from '@dv/telemetry';

/**
 * Log lines gathered and written once per turn of the event loop, as one write: the access log writes a
 * line per request, and stdout (a file or a pipe) is written synchronously on Linux, one system call a
 * line: under load that was the gateway's largest single cost (test/bench/gateway.bench.ts, profiled).
 * Lines wait at most until the current I/O callbacks are done; `flush()` at shutdown writes the rest.
 * A crash loses at most the lines of that turn.
 */
export class BatchedLineSink implements LogSink {
  private lines: string[] = [];
  private scheduled = false;

  constructor(private readonly target: LogSink = process.stdout) {}

  write(line: string): void {
    this.lines.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const text = this.lines.join('');
    this.lines = [];
    try {
      this.target.write(text);
    } catch {
      // A closed or broken stream must not take the gateway down (as JsonLogger does).
    }
  }
}
