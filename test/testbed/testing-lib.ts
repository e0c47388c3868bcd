// The bed's entry points (jest's global setup and teardown, the bed CLI) are loaded by plain Node
// require: jest applies no moduleNameMapper to global setup, and @swc-node/register only maps tsconfig
// paths when SWC_NODE_PROJECT names a tsconfig (the repository has no root tsconfig.json). So this one
// file reaches the bed's modules of @dv/testing by their relative paths (not its index, which also
// exports harnesses that import other libraries by alias), and the entry points import from here.
/* eslint-disable no-restricted-imports, @nx/enforce-module-boundaries -- see above: no path aliases here */
export { ensureBinaries } from '../../libs/testing/src/ensure-binaries';
export { ensureHydraBinary } from '../../libs/testing/src/start-hydra';
export { ensureChromium } from '../../libs/testing/src/chromium';
export { ensureJaegerBinary } from '../../libs/testing/src/start-jaeger';
export { repoRoot } from '../../libs/testing/src/repo-root';
export { stderrProgressLog } from '../../libs/testing/src/progress-log';
export { type TestBed, startTestBed } from '../../libs/testing/src/test-bed';
/* eslint-enable no-restricted-imports, @nx/enforce-module-boundaries */
/* eslint-disable no-restricted-imports, @nx/enforce-module-boundaries -- see above: no path aliases here */
export { ensureHelmBinary } from '../../libs/testing/src/helm-build';
/* eslint-enable no-restricted-imports, @nx/enforce-module-boundaries */
