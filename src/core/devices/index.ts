export { listDevices } from './device-list';
export type { Device } from './device-list';
