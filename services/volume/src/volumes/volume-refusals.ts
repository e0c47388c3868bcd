import { DvError, type EventData, type Identity, VolumeEvents, isRefusalCode, refusalMessage } from '@dv/contracts';
import { EventPublisher } from '@dv/messaging';
import { Injectable, Logger } from '@nestjs/common';

type Operation = EventData<typeof VolumeEvents.refused>['operation'];

/** What a refused write was about, as far as the handler got before the refusal (filled in as it goes). */
export interface RefusalTarget {
  volumeId?: string;
  name?: string;
  projectId?: string;
  clusterId?: string;
}

/**
 * Records refused writes: a create, update or delete that a business check refused (a typed error
 * of REFUSAL_CODES) is published as `VolumeEvents.refused`, with the caller as actor and the error
 * the caller gets, before that error goes back; so the audit log holds failed attempts too. Nothing
 * changed, so there is no aggregate and no outbox: a publish that fails is logged, and the caller
 * still gets its error.
 */
@Injectable()
export class VolumeRefusals {
  private readonly logger = new Logger('VolumeRefusals');

  constructor(private readonly publisher: EventPublisher) {}

  /** Runs the write; a refusal is published (awaited), then rethrown as it was. */
  async guard<T>(operation: Operation, caller: Identity, requestId: string, target: RefusalTarget, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof DvError && isRefusalCode(error.code)) await this.publish(operation, caller, requestId, target, error);
      throw error;
    }
  }

  private async publish(operation: Operation, caller: Identity, requestId: string, target: RefusalTarget, error: DvError): Promise<void> {
    try {
      await this.publisher.publish(
        VolumeEvents.refused,
        { operation, code: error.code, message: refusalMessage(error.message), ...target },
        {
          actor: { id: caller.subjectId, type: caller.subjectType },
          ...(target.volumeId !== undefined ? { subject: target.volumeId } : {}),
          ...(target.projectId !== undefined ? { scope: { scopeType: 'project' as const, scopeId: target.projectId } } : {}),
          requestId,
        },
      );
    } catch (publishError) {
      this.logger.warn(
        `could not publish the refusal of a data volume ${operation} (${error.code}) by ${caller.subjectType} ${caller.subjectId}: ${publishError instanceof Error ? publishError.message : String(publishError)}`,
      );
    }
  }
}
