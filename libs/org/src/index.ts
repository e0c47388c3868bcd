export * from './scope-tree';
export * from './scope-change';
export * from './sharing-index';
export * from './tombstones';
export * from './tombstone-env';
export * from './volume-view-events';
