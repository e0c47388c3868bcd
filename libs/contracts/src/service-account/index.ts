export * from './service-account-events';
