import { type EventData, OrgEvents } from '@dv/contracts';
import { PATTERN_EXTRAS_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { type EventHandlingContext } from '../events/event-context';
import { CONTRACT_EXTRA, EventHandler } from './handler-decorators';

// The compiler is the test here: the type-check of this project fails when a handler taking
// `unknown` compiles again (the @ts-expect-error below would then be unused) or a typed one stops compiling.
class Handlers {
  readonly seen: string[] = [];

  @EventHandler(OrgEvents.tenant.created)
  async typed(data: EventData<typeof OrgEvents.tenant.created>, _ctx: EventHandlingContext): Promise<void> {
    this.seen.push(data.tenantId);
  }

  // @ts-expect-error an event handler's data must be the contract's type, not unknown
  @EventHandler(OrgEvents.tenant.deleted)
  async untyped(data: unknown, _ctx: EventHandlingContext): Promise<void> {
    this.seen.push(String(data));
  }
}

describe('@EventHandler', () => {
  it('registers a typed handler under its event type with its contract', () => {
    const method = Handlers.prototype.typed;
    expect(Reflect.getMetadata(PATTERN_METADATA, method)).toEqual([OrgEvents.tenant.created.type]);
    expect(Reflect.getMetadata(PATTERN_EXTRAS_METADATA, method)).toEqual({ [CONTRACT_EXTRA]: OrgEvents.tenant.created });
  });
});
