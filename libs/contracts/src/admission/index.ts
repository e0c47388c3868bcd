export * from './admission-schemas';
export * from './admission-rpc';
export * from './admission-events';
