export { DEFAULT_CAPTURE_LIMIT_BYTES, KILL_GRACE_MS, programFailed, run, runChecked, spawnProcess } from './exec';
export type { ExecOptions, ExecResult, RunningProcess } from './exec';
export { LineSplitter } from './line-splitter';
