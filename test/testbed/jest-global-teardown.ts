import { releaseTestBed } from './test-bed-handle';

/** Stops the servers global setup started (only those), removes their temporary folder and restores process.env. */
export default async function globalTeardown(): Promise<void> {
  await releaseTestBed();
}
