export * from './base-config';
export * from './run-service';
export * from './stop-steps';
export * from './provisioning/provisioning-config';
export * from './provisioning/provision-platform-streams';
export * from './failpoints/failpoints';
