import { type JsonLogger } from '@dv/telemetry';

/**
 * The steps of a graceful stop, in order, each timed: what the "service stopped" line reports, and
 * what the stop deadline names when it gives up (the step still running).
 */
export class StopSteps {
  private started: number | undefined;
  private readonly took: Record<string, number> = {};
  private current: string | undefined;

  /** Runs one step; a failure is logged and the stop goes on (the next steps still release what they hold). */
  async run(name: string, step: () => Promise<unknown> | unknown, logger: JsonLogger): Promise<void> {
    this.current = name;
    const at = Date.now();
    this.started ??= at;
    try {
      await step();
    } catch (error) {
      logger.error(`stop step "${name}" failed`, error);
    } finally {
      this.took[name] = Date.now() - at;
      this.current = undefined;
    }
  }

  /** The step running now, if any. */
  pending(): string | undefined {
    return this.current;
  }

  summary(): { stopMs: number; stepsMs: Record<string, number> } {
    return { stopMs: this.started === undefined ? 0 : Date.now() - this.started, stepsMs: { ...this.took } };
  }
}

/**
 * The second lock behind a graceful stop: when it has not ended within `timeoutMs`, the process logs
 * the step it was waiting for and exits 1 (a stop that hangs would otherwise wait for a SIGKILL that
 * says nothing, or forever where nobody sends one). Unref'd: it never keeps a process alive.
 */
export function armStopDeadline(logger: JsonLogger, timeoutMs: number, steps: StopSteps): void {
  const timer = setTimeout(() => {
    logger.error('service stop gave up', { timeoutMs, pending: steps.pending() ?? 'none', ...steps.summary() });
    process.exit(1);
  }, timeoutMs);
  timer.unref();
}
