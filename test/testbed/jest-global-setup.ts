import { holdTestBed } from './test-bed-handle';
import { startTestBed } from './testing-lib';

/**
 * Starts the test bed once per jest run (startTestBed builds missing binaries first, see ensureBinaries)
 * and hands its addresses to the test workers through NATS_URL, MONGO_URL, KUBECONFIG and KUBE_TOKEN.
 * Servers already given by those variables are used as they are.
 */
export default async function globalSetup(): Promise<void> {
  // Open on purpose: this shared nats-server is for the tests of the libraries below the platform
  // (libs/messaging, libs/persistence, libs/testing, the platform publisher's logic), which use
  // subjects and streams of their own that no platform client has. Every test that runs our services
  // gives them a nats-server of their own with the users and permissions on (SecuredNats, PlatformHarness).
  holdTestBed(await startTestBed({ nats: { open: 'tests of the libraries below the platform use subjects of their own' } }));
}
