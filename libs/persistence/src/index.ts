export * from './connection/connect-mongo';
export * from './errors/map-mongo-error';
export * from './guarded/apply-update';
export * from './guarded/guarded-store';
export * from './outbox/aggregate';
export * from './outbox/write-with-events';
export * from './outbox/outbox-relay';
export * from './idempotency/idempotent-writes';
