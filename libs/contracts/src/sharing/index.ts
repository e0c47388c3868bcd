export * from './sharing-schemas';
export * from './sharing-rpc';
export * from './sharing-events';
