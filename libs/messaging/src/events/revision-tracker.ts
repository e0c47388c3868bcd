import { DvError, type Revision } from '@dv/contracts';

type Stream = keyof Revision;

/** How far each stream is applied (a revision with both streams given). */
export type AppliedRevision = Record<Stream, number>;

interface Waiter {
  atLeast: Revision;
  resolve: () => void;
}

/** The streams' current heads (StreamHeads). */
export interface StreamHeadsSource {
  revision(streams: readonly Stream[]): Promise<Revision>;
}

/**
 * How far a replica has applied each stream, and the bounded wait for "at least revision R" that
 * gives callers read-your-writes across services.
 */
export class RevisionTracker {
  private readonly applied: AppliedRevision = { events: 0, platform: 0 };
  private readonly waiters = new Set<Waiter>();
  private heads: StreamHeadsSource | undefined;

  constructor(private readonly service: string) {}

  /**
   * A revision beyond the streams' heads was returned by no write: with the heads known, a wait for
   * one is refused at once (VALIDATION_FAILED) instead of waiting out its bound (UNAVAILABLE).
   */
  boundBy(heads: StreamHeadsSource): this {
    this.heads = heads;
    return this;
  }

  current(): AppliedRevision {
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

  /**
   * Resolves once the revision is applied; UNAVAILABLE if not within the bound; VALIDATION_FAILED
   * at once for a revision beyond the streams' heads (when boundBy gave them: one JetStream API
   * round trip, only when this replica has not applied the revision yet).
   */
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
      if (this.heads) {
        void this.beyondHeads(this.heads, atLeast).then((beyond) => {
          if (!beyond || !this.waiters.delete(waiter)) return;
          clearTimeout(timer);
          reject(
            DvError.validation(`revision ${JSON.stringify(atLeast)} is beyond what the streams hold (${JSON.stringify(beyond)}): no write returned it`, {
              field: 'atLeast',
              requested: atLeast,
              heads: beyond,
            }),
          );
        });
      }
    });
  }

  /** The heads when the revision is beyond one of them; undefined otherwise, or when they cannot be read (the wait goes on). */
  private async beyondHeads(heads: StreamHeadsSource, atLeast: Revision): Promise<Revision | undefined> {
    const streams = (['events', 'platform'] as const).filter((s) => atLeast[s] !== undefined);
    try {
      const current = await heads.revision(streams);
      return streams.some((s) => (atLeast[s] ?? 0) > (current[s] ?? 0)) ? current : undefined;
    } catch {
      return undefined;
    }
  }
}
