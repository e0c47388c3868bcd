import { DvError, type Revision } from '@dv/contracts';

type Stream = keyof Required<Revision>;

interface Waiter {
  atLeast: Revision;
  resolve: () => void;
}

/**
 * How far a replica has applied each stream, and the bounded wait for "at least revision R" that
 * gives callers read-your-writes across services.
 */
export class RevisionTracker {
  private readonly applied: Required<Revision> = { events: 0, platform: 0 };
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly service: string) {}

  current(): Required<Revision> {
    return { ...this.applied };
  }

  markApplied(stream: Stream, seq: number): void {
    if (seq <= this.applied[stream]) return;
    this.applied[stream] = seq;
    for (const waiter of this.waiters) {
      if (this.satisfies(waiter.atLeast)) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  satisfies(atLeast: Revision): boolean {
    return (atLeast.events ?? 0) <= this.applied.events && (atLeast.platform ?? 0) <= this.applied.platform;
  }

  /** Resolves once the revision is applied; UNAVAILABLE if not within the bound. */
  async waitFor(atLeast: Revision | undefined, timeoutMs: number): Promise<void> {
    if (!atLeast || this.satisfies(atLeast)) return;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        atLeast,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          DvError.unavailable(`this ${this.service} replica has not reached revision ${JSON.stringify(atLeast)} within ${timeoutMs} ms`, {
            requested: atLeast,
            applied: this.current(),
          }),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
