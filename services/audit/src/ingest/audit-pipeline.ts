import { natsInboxPrefix } from '@dv/contracts';
import { NATS_CONNECTION } from '@dv/messaging';
import { MetricsRegistry } from '@dv/telemetry';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { type TailProblem } from '../chain/tail-check';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit-config';
import { type AuditStore } from '../store/audit-store';
import { SealedRecordRelay, ensureAuditStream, lastRelayedRecord } from '../relay/sealed-record-relay';
import { AUDIT_ARCHIVER, AUDIT_STORE } from '../tokens';
import { type Archiver } from '../use-cases/archive/archiver';
import { ChainWriter } from './chain-writer';
import { StreamIntake } from './stream-intake';

/**
 * The service's moving parts, started once the app is up and stopped with it: the chain writer
 * fed by the stream intake, the relay to DV_AUDIT, and the retention timer when one is configured.
 * A chain whose tail does not match its anchors (the head marker, DV_AUDIT's last record) is not
 * extended: nothing starts, the service reports not ready and logs an integrity alarm, and queries
 * and verify still answer (verify names the problem).
 */
@Injectable()
export class AuditPipeline implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditPipeline');
  readonly writer: ChainWriter;
  readonly relay: SealedRecordRelay;
  private readonly intake: StreamIntake;
  private retention: NodeJS.Timeout | undefined;
  private headTimer: NodeJS.Timeout | undefined;
  private started = false;
  private problem: TailProblem | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(AUDIT_STORE) c: AuditStore,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(AUDIT_ARCHIVER) private readonly archiver: Archiver,
    metrics: MetricsRegistry,
  ) {
    this.writer = new ChainWriter(c);
    // The inbox connectNats gives the service's NATS user (the only one it may read replies on).
    const inboxPrefix = config.NATS_USER !== undefined ? natsInboxPrefix(config.NATS_USER) : '_INBOX';
    this.relay = new SealedRecordRelay(nc, c, inboxPrefix);
    this.intake = new StreamIntake(nc, this.writer, {
      batchSize: config.AUDIT_BATCH_SIZE,
      onSealed: (records) => this.relay.sealed(records),
      metrics,
    });
    // An archive covers what was relayed: this process's relay saves its checkpoint first (it is
    // otherwise saved by a timer, up to a second behind what DV_AUDIT holds).
    archiver.beforeRun(() => this.relay.saveCheckpoint());
  }

  /** Following the streams and extending a sound chain. */
  get ready(): boolean {
    return this.started && this.problem === undefined && this.intake.healthy;
  }

  /** Why the chain is not extended, when its tail did not match its anchors at start. */
  get integrityProblem(): TailProblem | undefined {
    return this.problem;
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureAuditStream(this.nc);
    const streamHead = await lastRelayedRecord(this.nc);
    const { head, problem } = await this.writer.init(streamHead);
    if (problem) {
      this.problem = problem;
      this.logger.error(
        `AUDIT CHAIN INTEGRITY ALARM: ${problem.message}. The chain is not extended and the service reports not ready; events wait in the streams. Restore the missing records (DV_AUDIT holds every relayed one) or investigate, then restart.`,
      );
      return;
    }
    await this.relay.start(head, streamHead);
    await this.intake.start();
    this.headTimer = setInterval(() => void this.writer.saveHead().catch((e: unknown) => this.logger.warn(`saving the chain head failed: ${String(e)}`)), 500);
    if (this.config.AUDIT_RETENTION > 0) {
      this.retention = setInterval(() => void this.applyRetention(), this.config.AUDIT_RETENTION_CHECK_EVERY);
    }
    this.started = true;
    this.logger.log(`audit chain at seq ${head.seq}; following DV_EVENTS and PLATFORM_EVENTS`);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.retention) clearInterval(this.retention);
    if (this.headTimer) clearInterval(this.headTimer);
    if (!this.started) return;
    await this.intake.stop();
    await this.writer.saveHead().catch(() => undefined);
    await this.relay.stop();
  }

  private async applyRetention(): Promise<void> {
    try {
      const result = await this.archiver.archive(new Date(Date.now() - this.config.AUDIT_RETENTION));
      if (result.archived > 0) this.logger.log(`retention archived ${result.archived} records to ${result.file ?? '?'}`);
    } catch (error) {
      this.logger.warn(`retention run failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
