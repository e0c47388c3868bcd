export * from './nats-clients';
export * from './permission-manifest';
export * from './nats-passwords';
