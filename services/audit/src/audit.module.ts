import { type ServiceContext } from '@dv/runtime';
import { MetricsRegistry } from '@dv/telemetry';
import { type DynamicModule, Module } from '@nestjs/common';
import { ReaderAuthorizer } from './access/reader-authorizer';
import { AUDIT_CONFIG, type AuditConfig } from './config/audit-config';
import { AuditPipeline } from './ingest/audit-pipeline';
import { auditCollections } from './records/audit-record.model';
import { AuditStore } from './store/audit-store';
import { AUDIT_ARCHIVER, AUDIT_STORE } from './tokens';
import { ArchiveController } from './use-cases/archive/archive.controller';
import { Archiver } from './use-cases/archive/archiver';
import { ExportController } from './use-cases/export/export.controller';
import { HeadController } from './use-cases/head/head.controller';
import { QueryController } from './use-cases/query/query.controller';
import { VerifyController } from './use-cases/verify/verify.controller';

@Module({})
export class AuditModule {
  static register(ctx: ServiceContext<AuditConfig>): DynamicModule {
    return {
      module: AuditModule,
      controllers: [QueryController, ExportController, VerifyController, HeadController, ArchiveController],
      providers: [
        { provide: AUDIT_CONFIG, useValue: ctx.config },
        // The intake's pending events and dead letters are rendered there.
        { provide: MetricsRegistry, useValue: ctx.metrics },
        { provide: AUDIT_STORE, useFactory: () => new AuditStore(auditCollections(ctx.mongo)) },
        {
          provide: AUDIT_ARCHIVER,
          useFactory: (store: AuditStore) => new Archiver(store, ctx.config.AUDIT_ARCHIVE_DIR),
          inject: [AUDIT_STORE],
        },
        ReaderAuthorizer,
        AuditPipeline,
      ],
    };
  }
}
