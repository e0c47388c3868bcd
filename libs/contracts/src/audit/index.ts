export * from './audit-record';
export * from './audit-stream';
export * from './audit-rpc';
