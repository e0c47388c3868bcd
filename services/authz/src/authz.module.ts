import { EventPublisher } from '@dv/messaging';
import { type OutboxRelay } from '@dv/persistence';
import { type ServiceContext } from '@dv/runtime';
import { MetricsRegistry } from '@dv/telemetry';
import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AUTHZ_CONFIG, type AuthzConfig } from './config/authz-config';
import { RequestAuthorizer } from './decisions/request-authorizer';
import { AccessRuleWriter } from './rules/access-rule-writer';
import { type AccessRuleDoc } from './rules/access-rule.model';
import { AccessRuleNumberRepository } from './rules/access-rule-number.repository';
import { AccessRuleRepository } from './rules/access-rule.repository';
import { BootstrapAdmins } from './rules/bootstrap-admins';
import { RuleRetirement } from './rules/rule-retirement';
import { ScopeProjectionController } from './scopes/scope-projection.controller';
import { ScopeRepository } from './scopes/scope.repository';
import { AuthzState } from './state/authz-state';
import { AuthzSync } from './state/authz-sync';
import { ACCESS_RULE_RELAY } from './tokens';
import { AccessRuleCommandsController } from './use-cases/access-rules/access-rule-commands.controller';
import { AccessRuleQueriesController } from './use-cases/access-rules/access-rule-queries.controller';
import { CheckController } from './use-cases/check/check.controller';
import { MyPermissionsController } from './use-cases/permissions/my-permissions.controller';
import { PermittedScopesController } from './use-cases/permitted-scopes/permitted-scopes.controller';
import { RolesController } from './use-cases/roles/roles.controller';
import { WhoCanController } from './use-cases/who-can/who-can.controller';

/** Starts the outbox relay once the app is up and stops it with the app. */
class RelayLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(ACCESS_RULE_RELAY) private readonly relay: OutboxRelay<AccessRuleDoc>) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }
  onModuleDestroy(): void {
    this.relay.stop();
  }
}

@Module({})
export class AuthzModule {
  static register(ctx: ServiceContext<AuthzConfig>): DynamicModule {
    const rules = new AccessRuleRepository(ctx.mongo);
    return {
      module: AuthzModule,
      controllers: [
        CheckController,
        PermittedScopesController,
        MyPermissionsController,
        WhoCanController,
        RolesController,
        AccessRuleCommandsController,
        AccessRuleQueriesController,
        ScopeProjectionController,
      ],
      providers: [
        { provide: AUTHZ_CONFIG, useValue: ctx.config },
        // The projection renders its applied sequences and sizes there (StreamProjection).
        { provide: MetricsRegistry, useValue: ctx.metrics },
        { provide: AccessRuleRepository, useValue: rules },
        { provide: AccessRuleNumberRepository, useValue: new AccessRuleNumberRepository(ctx.mongo) },
        { provide: ScopeRepository, useValue: new ScopeRepository(ctx.mongo) },
        { provide: ACCESS_RULE_RELAY, useFactory: (publisher: EventPublisher) => rules.relay(publisher, { metrics: ctx.metrics }), inject: [EventPublisher] },
        AuthzState,
        AuthzSync,
        RequestAuthorizer,
        AccessRuleWriter,
        RuleRetirement,
        BootstrapAdmins,
        RelayLifecycle,
      ],
    };
  }
}
