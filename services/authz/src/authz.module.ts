import { EventPublisher } from '@dv/messaging';
import { OutboxRelay } from '@dv/persistence';
import { type ServiceContext } from '@dv/runtime';
import { MetricsRegistry } from '@dv/telemetry';
import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AUTHZ_CONFIG, type AuthzConfig } from './config/authz-config';
import { RequestAuthorizer } from './decisions/request-authorizer';
import { AccessRuleWriter } from './rules/access-rule-writer';
import { type AccessRuleDoc, accessRuleModel } from './rules/access-rule.model';
import { BootstrapAdmins } from './rules/bootstrap-admins';
import { RuleRetirement } from './rules/rule-retirement';
import { ScopeProjectionController } from './scopes/scope-projection.controller';
import { scopeModel } from './scopes/scope.model';
import { AuthzState } from './state/authz-state';
import { AuthzSync } from './state/authz-sync';
import { ACCESS_RULE_MODEL, ACCESS_RULE_RELAY, SCOPE_MODEL } from './tokens';
import { AccessRuleCommandsController } from './use-cases/access-rules/access-rule-commands.controller';
import { AccessRuleQueriesController } from './use-cases/access-rules/access-rule-queries.controller';
import { CheckController } from './use-cases/check/check.controller';
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
    const rules = accessRuleModel(ctx.mongo);
    return {
      module: AuthzModule,
      controllers: [
        CheckController,
        PermittedScopesController,
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
        { provide: ACCESS_RULE_MODEL, useValue: rules },
        { provide: SCOPE_MODEL, useValue: scopeModel(ctx.mongo) },
        { provide: ACCESS_RULE_RELAY, useFactory: (publisher: EventPublisher) => new OutboxRelay(rules, publisher), inject: [EventPublisher] },
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
