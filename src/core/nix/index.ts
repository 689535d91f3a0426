/**
 * core/nix: the nix command, its internal-json log, flake outputs, and store-path mapping.
 */
export { stripAnsi } from './ansi';
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
