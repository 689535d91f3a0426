export { Job } from './job';
export type { Disposable, JobContext, JobEvent, JobLogLevel, JobOutcome, JobProgress, ProgressUnit } from './job';
