import { NATS_CONNECTION } from '@dv/messaging';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit-config';
import { type AuditCollections } from '../records/audit-record.model';
import { SealedRecordRelay, ensureAuditStream } from '../relay/sealed-record-relay';
import { AUDIT_ARCHIVER, AUDIT_COLLECTIONS } from '../tokens';
import { type Archiver } from '../use-cases/archive/archiver';
import { ChainWriter } from './chain-writer';
import { StreamIntake } from './stream-intake';

/**
 * The service's moving parts, started once the app is up and stopped with it: the chain writer
 * fed by the stream intake, the relay to DV_AUDIT, and the retention timer when one is configured.
 */
@Injectable()
export class AuditPipeline implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditPipeline');
  readonly writer: ChainWriter;
  readonly relay: SealedRecordRelay;
  private readonly intake: StreamIntake;
  private retention: NodeJS.Timeout | undefined;
  private headTimer: NodeJS.Timeout | undefined;
  ready = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(AUDIT_COLLECTIONS) c: AuditCollections,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(AUDIT_ARCHIVER) private readonly archiver: Archiver,
  ) {
    this.writer = new ChainWriter(c);
    this.relay = new SealedRecordRelay(nc, c, () => this.writer.currentHead()?.seq ?? 0);
    this.intake = new StreamIntake(nc, this.writer, {
      batchSize: config.AUDIT_BATCH_SIZE,
      onSealed: (batch) => this.relay.sealed(batch.sealed.map((s) => s.record)),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureAuditStream(this.nc);
    const head = await this.writer.init();
    await this.relay.start();
    await this.intake.start();
    this.headTimer = setInterval(() => void this.writer.saveHead().catch((e: unknown) => this.logger.warn(`saving the chain head failed: ${String(e)}`)), 500);
    if (this.config.AUDIT_RETENTION > 0) {
      this.retention = setInterval(() => void this.applyRetention(), this.config.AUDIT_RETENTION_CHECK_EVERY);
    }
    this.ready = true;
    this.logger.log(`audit chain at seq ${head.seq}; following DV_EVENTS and PLATFORM_EVENTS`);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.retention) clearInterval(this.retention);
    if (this.headTimer) clearInterval(this.headTimer);
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
