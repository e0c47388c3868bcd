import { AdmissionEvents, DvError, type EventDataInput, type EventDefinition } from '@dv/contracts';
import { type EventMeta, EventPublisher } from '@dv/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { AdmissionMetrics } from './admission-metrics';

type Meta = EventMeta & { id: string };

/**
 * Publishes a review's decision and waits until JetStream has stored it, before the review answers.
 * Usage records (which the volume service's delete check relies on) and the audit log are made from
 * these events, so a decision JetStream did not confirm is not given: the review fails closed with
 * UNAVAILABLE (the webhook denies), and the caller's retry is a new review. Decision 0011 says why
 * this rather than an outbox.
 */
@Injectable()
export class DecisionPublisher {
  private readonly logger = new Logger('Decisions');

  constructor(
    private readonly publisher: EventPublisher,
    private readonly metrics: AdmissionMetrics,
  ) {}

  async admitted(data: EventDataInput<typeof AdmissionEvents.admitted>, meta: Meta): Promise<void> {
    await this.publish(AdmissionEvents.admitted, data, meta);
  }

  async denied(data: EventDataInput<typeof AdmissionEvents.denied>, meta: Meta): Promise<void> {
    await this.publish(AdmissionEvents.denied, data, meta);
  }

  private async publish<E extends EventDefinition>(def: E, data: EventDataInput<E>, meta: Meta): Promise<void> {
    try {
      await this.publisher.publish(def, data, meta);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.metrics.unrecordedDecisions.inc({ type: def.type });
      this.logger.warn(`decision ${meta.id} (${def.type}) not stored: ${message}`);
      throw DvError.unavailable(
        `the review's decision could not be recorded (JetStream did not confirm event ${meta.id}: ${message}); nothing was admitted, try again`,
        { reviewId: meta.id },
      );
    }
  }
}
