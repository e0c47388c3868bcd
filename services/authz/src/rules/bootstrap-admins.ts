import { DvError } from '@dv/contracts';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AUTHZ_CONFIG, type AuthzConfig } from '../config/authz-config';
import { AuthzState } from '../state/authz-state';
import { AccessRuleWriter } from './access-rule-writer';

export const SYSTEM_ADMINISTRATOR_ROLE_ID = 1;

/**
 * Deny by default needs a first administrator: the subjects of AUTHZ_BOOTSTRAP_ADMINS become System
 * administrator at the system scope, once (an existing rule is a CONFLICT, which is fine).
 */
@Injectable()
export class BootstrapAdmins implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapAdmins');

  constructor(
    @Inject(AUTHZ_CONFIG) private readonly config: AuthzConfig,
    private readonly writer: AccessRuleWriter,
    private readonly state: AuthzState,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const admin of this.config.AUTHZ_BOOTSTRAP_ADMINS) {
      try {
        await this.writer.create(
          { ...admin, roleId: SYSTEM_ADMINISTRATOR_ROLE_ID, scopeType: 'system', scopeId: this.state.tree.root.id },
          { kind: 'system', name: 'authz-bootstrap' },
        );
        this.logger.log(`${admin.subjectType} ${admin.subjectId} is now System administrator`);
      } catch (error) {
        if (!(error instanceof DvError && error.code === 'CONFLICT')) throw error;
      }
    }
  }
}
