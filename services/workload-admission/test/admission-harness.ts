import { KubePlatformHarness, testBedEnv } from '@dv/testing';

/** The platform with Kubernetes (see KubePlatformHarness), as the admission tests use it. */
export class AdmissionHarness extends KubePlatformHarness {}

export const env = testBedEnv;
