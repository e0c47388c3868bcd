import { type EventDataInput, type EventDefinition } from '@dv/contracts';
import { type EventMeta, EventPublisher } from '@dv/messaging';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AdmissionMetrics } from './admission-metrics';

const RETRIES = 5;
const DRAIN_MS = 10_000;

/**
 * Publishes review decisions without holding the answer back for JetStream's ack. The publish is
 * written to the NATS connection before the reply is, so a reply that reached the caller implies the
 * server received the event (one TCP stream, in order); what is left to wait for is JetStream's
 * confirmation that it stored it, which is awaited in the background and retried (same event id:
 * stored once) on failure. A graceful stop waits for every pending confirmation. This saves one full
 * round trip per review; see decision 0011 for what it trades.
 */
@Injectable()
export class DecisionAnnouncer implements OnModuleDestroy {
  private readonly logger = new Logger('Decisions');
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly publisher: EventPublisher,
    private readonly metrics: AdmissionMetrics,
  ) {}

  /** Starts publishing now (synchronously up to the socket write) and confirms in the background. */
  announce<E extends EventDefinition>(def: E, data: EventDataInput<E>, meta: EventMeta & { id: string }): void {
    const confirmed = this.confirm(def, data, meta).finally(() => this.pending.delete(confirmed));
    this.pending.add(confirmed);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.pending.size === 0) return;
    this.logger.log(`waiting for ${this.pending.size} decision events to be confirmed`);
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
  }

  private async confirm<E extends EventDefinition>(def: E, data: EventDataInput<E>, meta: EventMeta & { id: string }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.publisher.publish(def, data, meta);
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= RETRIES) {
          this.metrics.lostEvents.inc({ type: def.type });
          this.logger.error(`event ${meta.id} (${def.type}) not confirmed after ${RETRIES} attempts: ${message}`);
          return;
        }
        this.logger.warn(`event ${meta.id} (${def.type}) not confirmed (attempt ${attempt}): ${message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      }
    }
  }
}
