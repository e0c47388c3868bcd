import { AUDIT_STREAM, STREAMS } from '@dv/contracts';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import { JetStreamApiCodes, JetStreamApiError, StorageType, jetstreamManager } from '@nats-io/jetstream';
import { setTimeout as sleep } from 'node:timers/promises';
import { type StreamSettings, ensureStreams } from './ensure-streams';

/** JetStream API error code for 'stream name already in use' (not in the client's code table). */
const STREAM_NAME_IN_USE = 10058;

/** The platform's streams, which every service and the platform publisher need before they start. */
export const PLATFORM_STREAM_NAMES: readonly string[] = Object.values(STREAMS).map((s) => s.name);

/**
 * Every stream of the platform, created or updated: the platform's streams (`ensureStreams`) and
 * DV_AUDIT, whose messages no API call may delete or purge (the chain's copy outside the database).
 * Run by the one provisioning identity (NATS user `provisioner`) before the services start: no
 * service holds the rights to create, update, delete or purge a stream. Idempotent.
 */
export async function provisionStreams(nc: NatsConnection, settings: StreamSettings = {}): Promise<void> {
  await ensureStreams(nc, settings);
  const jsm = await jetstreamManager(nc);
  const duplicateWindow = nanos(settings.duplicateWindowMs ?? 10 * 60_000);
  try {
    await jsm.streams.info(AUDIT_STREAM.name);
    await jsm.streams.update(AUDIT_STREAM.name, {
      subjects: [...AUDIT_STREAM.subjects],
      duplicate_window: duplicateWindow,
      ...(settings.replicas !== undefined ? { num_replicas: settings.replicas } : {}),
    });
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
    await jsm.streams
      .add({
        name: AUDIT_STREAM.name,
        subjects: [...AUDIT_STREAM.subjects],
        storage: StorageType.File,
        duplicate_window: duplicateWindow,
        num_replicas: settings.replicas ?? 1,
        deny_delete: true,
        deny_purge: true,
      })
      .catch((e: unknown) => {
        if (!(e instanceof JetStreamApiError) || e.code !== STREAM_NAME_IN_USE) throw e;
      });
  }
}

export interface AwaitStreamsOptions {
  /** How long to wait for the provisioning step (default 60 s): it may run at the same moment (a Kubernetes Job). */
  timeoutMs?: number;
  /** Told once per stream that is not there yet. */
  onWait?: (stream: string) => void;
}

/**
 * Waits until the streams exist, reading only their info (`$JS.API.STREAM.INFO.<stream>`, the one
 * stream right a service holds): streams are the provisioner's to create (`provisionStreams`).
 * Fails with the missing stream's name when the provisioning step has not run in time.
 */
export async function awaitStreams(nc: NatsConnection, streams: readonly string[] = PLATFORM_STREAM_NAMES, options: AwaitStreamsOptions = {}): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (const stream of streams) {
    let told = false;
    for (;;) {
      try {
        await jsm.streams.info(stream);
        break;
      } catch (error) {
        if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
        if (Date.now() > deadline)
          throw new Error(`stream ${stream} does not exist: the provisioning step (NATS user provisioner, provisionStreams) has not run`);
        if (!told) options.onWait?.(stream);
        told = true;
        await sleep(250);
      }
    }
  }
}
