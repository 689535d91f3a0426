/**
 * core/humility: humility (Oxide's Hubris debugger) here or on a board over SSH, with
 * HUMILITY_ARCHIVE/PROBE/ENVIRONMENT/TARGET from per-device settings; the archive uploaded to a
 * board once (content-addressed); humility itself built as the flake's cross package and copied
 * to the board's store; a catalogue of common subcommands; the probe choice; and humility's known
 * failures (USB permission, probe in use, missing program) translated into what to do.
 */
export { REMOTE_ARCHIVE_DIR, sha256OfFile, uploadArchive } from './archive-upload';
export type { ArchiveUpload, UploadArchiveOptions } from './archive-upload';
export { HUMILITY_SUBCOMMANDS, findSubcommand } from './humility-catalogue';
export type { HumilityOption, HumilitySubcommand } from './humility-catalogue';
export { classifyHumilityFailure, humilityMissingError, humilityPackages, nixosUdevRules, translateHumilityFailure, udevRuleFor } from './humility-errors';
export type { HumilityFailureContext, HumilityFailureKind, HumilityMissingContext } from './humility-errors';
export { installHumilityOnBoard } from './humility-install';
export type { InstallHumilityOptions } from './humility-install';
export { startHumility } from './humility-run';
export type { HumilityExit, HumilityProcess, HumilityRequest } from './humility-run';
export { humilityEnv, isValidProbe, normaliseHumilitySettings } from './humility-settings';
export type { HumilitySettings } from './humility-settings';
export { humilityProbeValue, probeChoices } from './probe-choice';
export type { ProbeChoice } from './probe-choice';
export { USB_HOLDERS_SCRIPT, findUsbHolders, parseUsbHolders, usbDevicePath } from './usb-holders';
export type { UsbHolder } from './usb-holders';
