export { DEFAULT_SETTINGS, normaliseDeviceSerial, normaliseDevices, normaliseEnvironment, normaliseInteger, normaliseString, normaliseStringList, readSettings, SETTING_KEYS } from './settings';
export type { DeviceSerialSetting, DeviceSetting, Settings } from './settings';
export { DEFAULT_LINT_SETTINGS, normaliseLintSettings } from './lint-settings';
export type { LintSettings, RuleLevel } from './lint-settings';
