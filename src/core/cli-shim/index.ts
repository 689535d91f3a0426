export { chooseShimDir, cliShimScript, installCliShim, SHIM_NAME } from './cli-shim';
export type { ShimTarget } from './cli-shim';
