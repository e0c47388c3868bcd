export * from './scope-tree';
export * from './scope-change';
export * from './sharing-index';
export * from './tombstones';
