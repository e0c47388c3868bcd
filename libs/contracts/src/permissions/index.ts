export * from './nats-clients';
export * from './permission-manifest';
