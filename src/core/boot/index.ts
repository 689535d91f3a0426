/**
 * core/boot: NixOS's extlinux.conf (model, tolerant parser, byte-exact printer), the boot menu
 * as u-boot numbers it, and u-boot's serial console (menu detector, keys, entry choice); the U-Boot
 * helper on a console (Stop autoboot, menu picks), "Boot generation N" with the power-cycle
 * rescue, and the Boot test.
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
export { UBootConsoleHelper } from './console-helper';
export type { AutobootOfferEnd, ChooseEntryOptions, MenuPickHandler, UBootHelperEvent } from './console-helper';
export { powerCycleAndChoose } from './power-cycle-choice';
export type { PowerCycle, PowerCycleChoiceOptions, PowerCycleRequest } from './power-cycle-choice';
export { DEFAULT_RESCUE_TIMEOUT_MS, menuKnowledge, startBootGeneration } from './boot-generation';
export type { BootGenerationOperations, BootGenerationPhase, BootGenerationRequest, BootGenerationResult, MenuKnowledge } from './boot-generation';
export { BOOT_TEST_CONFIRM_TIMEOUT_MS, BOOT_TEST_REACHABLE_TIMEOUT_MS, BOOT_TEST_RESCUE_TIMEOUT_MS, startBootTest } from './boot-test';
export type { BootTestFailure, BootTestOperations, BootTestPhase, BootTestRequest, BootTestResult } from './boot-test';
