import { DvError, type Identity, type ShareableScopeRef, SharingEvents, isRefusalCode, refusalMessage } from '@dv/contracts';
import { EventPublisher } from '@dv/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { SharingState } from '../state/sharing-state';

export interface RefusedChange {
  volumeId: string;
  add: ShareableScopeRef[];
  remove: ShareableScopeRef[];
}

/**
 * Records refused changes of sharing lists: a share, unshare or both that a business check refused (a
 * typed error of REFUSAL_CODES) is published as `SharingEvents.refused` with the caller as actor and
 * the error the caller gets, before that error goes back. Nothing changed, so no outbox: a publish
 * that fails is logged, and the caller still gets its error.
 */
@Injectable()
export class SharingRefusals {
  private readonly logger = new Logger('SharingRefusals');

  constructor(
    private readonly publisher: EventPublisher,
    private readonly state: SharingState,
  ) {}

  async guard<T>(change: RefusedChange, caller: Identity, requestId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof DvError && isRefusalCode(error.code)) await this.publish(change, caller, requestId, error);
      throw error;
    }
  }

  private async publish(change: RefusedChange, caller: Identity, requestId: string, error: DvError): Promise<void> {
    const operation = change.add.length === 0 ? 'unshare' : change.remove.length === 0 ? 'share' : 'update';
    const projectId = this.state.index.liveVolume(change.volumeId)?.projectId;
    try {
      await this.publisher.publish(
        SharingEvents.refused,
        { operation, code: error.code, message: refusalMessage(error.message), volumeId: change.volumeId, add: change.add, remove: change.remove },
        {
          actor: { id: caller.subjectId, type: caller.subjectType },
          subject: change.volumeId,
          ...(projectId !== undefined ? { scope: { scopeType: 'project' as const, scopeId: projectId } } : {}),
          requestId,
        },
      );
    } catch (publishError) {
      this.logger.warn(`could not publish the refusal of a sharing ${operation} (${error.code}) by ${caller.subjectType} ${caller.subjectId}: ${publishError instanceof Error ? publishError.message : String(publishError)}`);
    }
  }
}
