import { STREAMS } from '@dv/contracts';
import { type NatsConnection } from '@nats-io/nats-core';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

/** JetStream API error code for 'stream name already in use' (not in the client's code table). */
const STREAM_NAME_IN_USE = 10058;

export interface StreamSettings {
  /** JetStream de-duplication window: a re-published event id within it is stored once. */
  duplicateWindowMs?: number;
  replicas?: number;
}

/**
 * Provisions the platform's streams from code (create, or update the subjects and settings of an
 * existing one). Idempotent. Part of `provisionStreams`, which only the provisioner may run; on an
 * open server (the libraries' own tests) anyone may.
 */
export async function ensureStreams(nc: NatsConnection, settings: StreamSettings = {}): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const duplicateWindow = nanos(settings.duplicateWindowMs ?? 10 * 60_000);
  for (const stream of Object.values(STREAMS)) {
    const config = {
      name: stream.name,
      subjects: [...stream.subjects],
      storage: StorageType.File,
      duplicate_window: duplicateWindow,
      num_replicas: settings.replicas ?? 1,
    };
    try {
      await jsm.streams.info(stream.name);
      // Replicas only when asked: a re-run with NATS_STREAM_REPLICAS=3 scales an existing stream up (JetStream copies it).
      await jsm.streams.update(stream.name, {
        subjects: config.subjects,
        duplicate_window: duplicateWindow,
        ...(settings.replicas !== undefined ? { num_replicas: settings.replicas } : {}),
      });
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
      try {
        await jsm.streams.add(config);
      } catch (addError) {
        // Another replica created it at the same moment.
        if (!(addError instanceof JetStreamApiError) || addError.code !== STREAM_NAME_IN_USE) throw addError;
      }
    }
  }
}
