/**
 * The ids the manifest (package.json) gives the views, task type, terminal profiles and webview
 * the extension provides. Free of imports, so the activation entry (src/extension.ts) can name
 * them without loading the modules that implement them.
 */
export const VIEW_IDS = { flake: 'nixosDevices.flake', devices: 'nixosDevices.devices', ports: 'nixosDevices.ports' } as const;
export const NIX_TASK_TYPE = 'nix';
export const SERIAL_TERMINAL_PROFILE_ID = 'nixosDevices.serialConsole';
export const HUMILITY_TERMINAL_PROFILE_ID = 'nixosDevices.humility';
export const BUILD_VIEW_TYPE = 'nixosDevices.buildView';
