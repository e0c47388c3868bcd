import { type EventEnvelope, SERVICE_ACCOUNT_EVENT_SUBJECTS, STREAMS, ServiceAccountEvents } from '@dv/contracts';
import { type StreamFollower, followStream } from '@dv/messaging';
import { type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';

type Refusal = 'disabled' | 'deleted';

const REFUSAL_OF: Readonly<Record<string, Refusal | null>> = {
  [ServiceAccountEvents.disabled.type]: 'disabled',
  [ServiceAccountEvents.deleted.type]: 'deleted',
  [ServiceAccountEvents.enabled.type]: null,
  [ServiceAccountEvents.created.type]: null,
};

/**
 * The service accounts whose tokens are refused (disabled or deleted), kept by every gateway replica
 * from the service-account events of DV_EVENTS (an ordered consumer filtered on
 * `dv.evt.service-account.>`): a change made through any replica reaches every other within a NATS
 * round trip, and a bearer token the gateway verified and cached before is refused on its next call
 * (a set lookup per service-account request). Start-up waits until every event stored at start is
 * applied; readiness is false while the follower catches up again after a NATS restart.
 */
export class ServiceAccountStates implements OnModuleInit, OnModuleDestroy {
  private readonly refused = new Map<string, Refusal>();
  private follower: StreamFollower | undefined;
  private caughtUp = false;
  private appliedSeq = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly catchUpMs: number,
  ) {}

  /** Nest's start-up: the gateway listens only once the events stored at start are applied. */
  onModuleInit(): Promise<void> {
    return this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  async start(): Promise<void> {
    this.follower = await followStream(this.nc, {
      stream: STREAMS.domain.name,
      subject: SERVICE_ACCOUNT_EVENT_SUBJECTS,
      startSeq: 1,
      apply: (envelope) => this.apply(envelope),
      applied: (seq) => this.markApplied(seq),
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.follower.caughtUp,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the service-account events were not read within ${this.catchUpMs} ms`)), this.catchUpMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    this.caughtUp = true;
  }

  async stop(): Promise<void> {
    this.caughtUp = false;
    await this.follower?.stop().catch(() => undefined);
    this.follower = undefined;
  }

  /** Caught up at start and following (readiness). */
  get ready(): boolean {
    return this.caughtUp && (this.follower?.following ?? false);
  }

  /** Why this service account's tokens are refused, or undefined when they are not. */
  refusalOf(serviceAccountId: string): Refusal | undefined {
    return this.refused.get(serviceAccountId);
  }

  get size(): number {
    return this.refused.size;
  }

  /** Resolves once this replica has applied the event at `seq` (a write's own event: its next call sees it). */
  async waitForApplied(seq: number, timeoutMs: number): Promise<void> {
    if (this.appliedSeq >= seq) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => this.waiters.push({ seq, resolve })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`event ${seq} not applied within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private apply(envelope: EventEnvelope): void {
    const id = envelope.subject;
    const refusal = REFUSAL_OF[envelope.type];
    if (id === undefined || refusal === undefined) return; // secret regenerated, or a type of a later version: no change of state
    // Deleted is final: a late `enabled` cannot bring a removed account's tokens back.
    if (this.refused.get(id) === 'deleted') return;
    if (refusal === null) this.refused.delete(id);
    else this.refused.set(id, refusal);
  }

  private markApplied(seq: number): void {
    if (seq <= this.appliedSeq) return;
    this.appliedSeq = seq;
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const w of due) w.resolve();
  }
}
