export * from './scope-tree';
export * from './scope-change';
