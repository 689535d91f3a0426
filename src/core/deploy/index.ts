/**
 * core/deploy: the built-in deploy engine for NixOS-shaped profiles (closure copy over the
 * device's SSH connection, magic rollback decided on the board, typed outcomes reconciled from
 * the board's record), closure diffs, generations and boot-menu actions, parallel deploys, and a
 * parser of the real deploy-rs's output into the same outcomes.
 */
export { asRoot, boardLinkFromPool, execWithin } from './board-link';
export type { BoardLink } from './board-link';
export { DEFAULT_BOARD_PATHS, boardPaths } from './board-paths';
export type { BoardPaths } from './board-paths';
export { DECIDE_SCRIPT, LAUNCH_SCRIPT, MAGIC_ROLLBACK_SCRIPT, WAIT_STATE_SCRIPT } from './board-scripts';
export { diffClosures, summarizeDiff } from './closure-diff';
export type { ClosureDiff, ClosurePath, PackageChange, PackageVersions } from './closure-diff';
export { copyClosure, copyClosureWithNixCopy, exportToMemory, localClosure, missingOnBoard, sharedExports, signatureHelp } from './closure-copy';
export type { CopyClosureOptions, CopyClosureResult, CopyProgress, SharedExport } from './closure-copy';
export { boardClosure, localClosureSizes, parseClosureSizes } from './closure-info';
export {
  DEFAULT_ACTIVATION_TIMEOUT_S,
  DEFAULT_CONFIRM_TIMEOUT_S,
  deployToDevice,
  newDeployId,
  startDeviceDeploy,
} from './deploy-device';
export type { DeployMode, DeployPhase, DeployReporter, DeviceDeployReport, DeviceDeployRequest } from './deploy-device';
export { deploySucceeded, describeReason, outcomeError, outcomeFromBoardState, parseBoardDeployState } from './deploy-outcome';
export type { BoardDeployState, DeployOutcome, DeployOutcomeKind, RollbackReason } from './deploy-outcome';
export { parseDrvName, storePathName } from './drv-name';
export type { DrvName } from './drv-name';
export { RECONCILE_GRACE_S, SWITCH_UNIT, activateWithRollback, magicRollbackArgv } from './magic-rollback';
export type { ActivationOptions, ActivationPhase, HealthCheck } from './magic-rollback';
export { readGenerations } from './generations';
export type { BootMenuRow, DeviceGenerations, Generation, RebootReason } from './generations';
export { deleteGenerationsOlderThan, diffGenerations, rollbackGeneration, setBootGeneration, switchToGeneration } from './generation-actions';
export type { BoardCommands, GenerationActionContext } from './generation-actions';
export { DEFAULT_DEPLOY_CONCURRENCY, startDeployMany } from './deploy-many';
export type { DeployManyOptions } from './deploy-many';
export { reconcileDeploy } from './reconcile';
export { buildDeployNode, nodeNameFromArg, resolveDeployNodes, sshTargetOfNode } from './flake-nodes';
export type { FlakeDeployNode } from './flake-nodes';
export { DeployRsOutputParser, parseDeployRsLine, parseDeployRsOutput } from './deploy-rs-output';
export type { DeployRsLevel, DeployRsLine, DeployRsPhase, DeployRsSource } from './deploy-rs-output';
export { runDeployRs } from './deploy-rs-runner';
export type { DeployRsRunOptions } from './deploy-rs-runner';
export { REBOOT_SCRIPT, REPLACE_FILE_SCRIPT, boardBootOperations } from './board-boot-operations';
export type { BoardBootOperations, BoardBootOperationsOptions } from './board-boot-operations';
