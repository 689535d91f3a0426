/**
 * core/nix: the nix command, its internal-json log, flake outputs, and store-path mapping.
 */
export { stripAnsi } from './ansi';
export { checkFlake, problemsFromMessages } from './flake-check';
export type { FlakeCheckProblem, FlakeCheckResult } from './flake-check';
export { FlakeOutputsCache, listFlakeOutputs, readFlakeMetadata } from './flake-outputs';
export type { FlakeMetadata, ListFlakeOutputsOptions } from './flake-outputs';
export { interpretOutputs } from './flake-outputs-interpret';
export type {
  DeployNodeOutput,
  DeployProfileOutput,
  FlakeOutputs,
  ImageOutput,
  NixosConfigurationOutput,
  OtherOutput,
  PackageOutput,
} from './flake-outputs-model';
export { ActivityType, parseNixLogLine, ResultType } from './internal-json';
export type { NixLogEvent, NixPosition } from './internal-json';
export { NixCli, nixFailure, parseNixVersion, versionAtLeast } from './nix-cli';
export type { NixCliOptions, NixMessage, NixRunOptions, NixRunResult, NixVersion } from './nix-cli';
export { mapStorePath, mapStorePathsInText } from './source-paths';
export type { SourceRoot } from './source-paths';
export { resolveFlakeDirs } from './flake-dirs';
export { buildArgs, outLinkName, runBuild, startBuild } from './build';
export { BuildFailedError, localFlakeDir } from './build-failure';
export type { BuildHandle, BuildOptions, BuildPhase, BuildResult, BuildTargetResult } from './build';
export { BuildHistory } from './build-history';
export type { BuildEstimate } from './build-history';
export { expensiveReason, parseBuildPlan, planBuild } from './build-plan';
export type { BuildPlan, ExpensiveBuild, PlanBuildOptions } from './build-plan';
export { closureBytesOf, findSdImage, parseHydraBuildProducts, readClosureBytes } from './build-products';
export type { BuildProduct } from './build-products';
export { BuildProgress, DEFAULT_LOG_TAIL_LINES, DEFAULT_MAX_DERIVATIONS } from './build-progress';
export type { BuildProgressOptions } from './build-progress';
export { derivationName, packageName } from './build-progress-model';
export type {
  BuildMessage,
  BuildProgressSnapshot,
  DerivationCounts,
  DerivationState,
  DerivationStatus,
  NixCounts,
  TransferKind,
  TransferStatus,
} from './build-progress-model';
export { buildDerivationTree, derivationEdges, parseDerivationGraph, readDerivationGraph } from './build-progress-tree';
export type { DerivationGraph, DerivationNode, DerivationTreeNode, DerivationTreeOptions, TreeState } from './build-progress-tree';
export {
  checkForeignSystem,
  findCrossVariant,
  nixSystemOf,
  parseBinfmtEntry,
  readBinfmtHandlers,
  readNixPlatformSettings,
} from './foreign-system';
export type { BinfmtHandler, ForeignSystemCheck, NativeBuildVerdict, NixPlatformSettings } from './foreign-system';
