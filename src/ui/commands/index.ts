/**
 * The one table of commands. Each command is a plain function of the context; its id matches package.json (a unit test checks both lists agree).
 */
import type { Ctx } from '../ctx';
import { showError } from '../show-error';
import { build, openBuildLog, showBuildView } from './build';
import { installCli, showLog } from './cli';
import type { CommandId } from './command-ids';
import { deploy, deployBootTest, rollbackDevice, setBootDefault, switchGeneration } from './deploy';
import { addDevice, refreshDevices } from './devices';
import { cardBootMenuCommand, seedHostKeyCommand } from './card';
import { ejectDrive, flash } from './flash';
import { buildHumility, chooseHumilityProbe, openHumility } from './humility';
import { copyPortPath, refreshPorts } from './ports';
import { bootGeneration, changeBaudRate, openSerialConsole, openSerialLog, serialSettings, stopAutoboot } from './serial';
import { checkFlake, copyInstallable, refreshFlake, revealFlake } from './flake';

type CommandFactory = (ctx: Ctx) => (...args: never[]) => Promise<void>;

export const COMMANDS = {
  'nixosDevices.refreshFlake': refreshFlake,
  'nixosDevices.copyInstallable': copyInstallable,
  'nixosDevices.revealFlake': revealFlake,
  'nixosDevices.checkFlake': checkFlake,
  'nixosDevices.refreshDevices': refreshDevices,
  'nixosDevices.addDevice': addDevice,
  'nixosDevices.installCli': installCli,
  'nixosDevices.showLog': showLog,
  'nixosDevices.build': build,
  'nixosDevices.showBuildView': showBuildView,
  'nixosDevices.openBuildLog': openBuildLog,
  'nixosDevices.flash': flash,
  'nixosDevices.ejectDrive': ejectDrive,
  'nixosDevices.seedHostKey': seedHostKeyCommand,
  'nixosDevices.cardBootMenu': cardBootMenuCommand,
  'nixosDevices.deploy': deploy,
  'nixosDevices.deployBootTest': deployBootTest,
  'nixosDevices.setBootGeneration': setBootDefault,
  'nixosDevices.switchGeneration': switchGeneration,
  'nixosDevices.rollbackDevice': rollbackDevice,
  'nixosDevices.openSerialConsole': openSerialConsole,
  'nixosDevices.serialSettings': serialSettings,
  'nixosDevices.changeBaudRate': changeBaudRate,
  'nixosDevices.stopAutoboot': stopAutoboot,
  'nixosDevices.openSerialLog': openSerialLog,
  'nixosDevices.bootGeneration': bootGeneration,
  'nixosDevices.refreshPorts': refreshPorts,
  'nixosDevices.copyPortPath': copyPortPath,
  'nixosDevices.openHumility': openHumility,
  'nixosDevices.chooseHumilityProbe': chooseHumilityProbe,
  'nixosDevices.buildHumility': buildHumility,
} as const satisfies Record<CommandId, CommandFactory>;

/** A command as VS Code calls it: its errors are shown and logged here, never thrown to VS Code. */
export type CommandHandler = (...args: unknown[]) => Promise<void>;

/** Every command's handler, bound to the context. The activation entry (src/extension.ts)
 * registers the ids and calls these once the rest of the extension is loaded. */
export function commandHandlers(ctx: Ctx): ReadonlyMap<CommandId, CommandHandler> {
  const handlers = new Map<CommandId, CommandHandler>();
  for (const [id, factory] of Object.entries(COMMANDS) as [CommandId, CommandFactory][]) {
    const handler = factory(ctx) as CommandHandler;
    handlers.set(id, async (...args: unknown[]) => {
      try {
        await handler(...args);
      } catch (error) {
        await showError(error, ctx.log, id);
      }
    });
  }
  return handlers;
}
