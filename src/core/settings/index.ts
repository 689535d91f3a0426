export { DEFAULT_SETTINGS, normaliseDevices, normaliseEnvironment, normaliseInteger, normaliseString, normaliseStringList, readSettings, SETTING_KEYS } from './settings';
export type { DeviceSetting, Settings } from './settings';
