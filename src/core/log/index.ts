export { BufferLogger, SILENT_LOGGER } from './logger';
export type { LogLevel, Logger } from './logger';
