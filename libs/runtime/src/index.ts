export * from './base-config';
export * from './run-service';
