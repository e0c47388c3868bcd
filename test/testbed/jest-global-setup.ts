import { holdTestBed } from './test-bed-handle';
import { startTestBed } from './testing-lib';

/**
 * Starts the test bed once per jest run (startTestBed builds missing binaries first, see ensureBinaries)
 * and hands its addresses to the test workers through NATS_URL, MONGO_URL, KUBECONFIG and KUBE_TOKEN.
 * Servers already given by those variables are used as they are.
 */
export default async function globalSetup(): Promise<void> {
  holdTestBed(await startTestBed());
}
