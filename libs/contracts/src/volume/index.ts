export * from './volume-schemas';
export * from './volume-rpc';
export * from './volume-events';
