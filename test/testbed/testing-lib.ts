// The bed's entry points (jest's global setup and teardown, the bed CLI) are loaded by plain Node
// require: jest applies no moduleNameMapper to global setup, and @swc-node/register only maps tsconfig
// paths when SWC_NODE_PROJECT names a tsconfig (the repository has no root tsconfig.json). So this one
// file reaches @dv/testing by its relative path, and the entry points import from here.
// eslint-disable-next-line no-restricted-imports, @nx/enforce-module-boundaries -- see above: no path aliases here
export * from '../../libs/testing/src/index';
