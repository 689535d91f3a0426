/**
 * core/boot: NixOS's extlinux.conf (model, tolerant parser, byte-exact printer), the boot menu
 * as u-boot numbers it, and u-boot's serial console (menu detector, keys, entry choice).
 */
export type {
  EntryField,
  ExtlinuxEntry,
  ExtlinuxHeader,
  ExtlinuxLine,
  ExtlinuxMenu,
  ExtlinuxProblem,
  HeaderField,
} from './extlinux-model';
export { parseExtlinux } from './extlinux-parse';
export { printExtlinux } from './extlinux-print';
export { parseAppend, parseNixosLabel, parseNixosMenuLabel } from './nixos-labels';
export type { AppendInit, LabelFormat, NixosEntryTag, NixosMenuLabel, ParsedAppend } from './nixos-labels';
export { bootMenuItems, defaultEntry, findBootMenuItem, mapEntriesToGenerations, menuCountdown, setDefaultEntry } from './boot-menu';
export type { BootMenuItem, EntryGeneration, EntryQuery, GenerationRef, MenuCountdown } from './boot-menu';
export { UBootConsoleDetector } from './uboot-console';
export type { ConsoleMenu, ConsoleMenuEntry, UBootConsoleEvent } from './uboot-console';
export {
  UBOOT_HALT_MENU_KEY,
  UBOOT_STOP_AUTOBOOT_KEY,
  chooseBootEntry,
  describeQuery,
  matchConsoleMenuEntry,
  menuChoiceKeys,
} from './uboot-menu-choice';
export type { ChooseBootEntryOptions, ChosenBootEntry, ConsoleEntryQuery } from './uboot-menu-choice';
