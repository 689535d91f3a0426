/** Every command id the extension registers; package.json's contributes.commands must list the
 * same (test/unit/ui/command-ids.test.ts). Kept free of `vscode` so a unit test can import it. */
export const COMMAND_IDS = [
  'nixosDevices.refreshFlake',
  'nixosDevices.copyInstallable',
  'nixosDevices.revealFlake',
  'nixosDevices.checkFlake',
  'nixosDevices.refreshDevices',
  'nixosDevices.addDevice',
  'nixosDevices.installCli',
  'nixosDevices.showLog',
  'nixosDevices.build',
  'nixosDevices.showBuildView',
  'nixosDevices.openBuildLog',
  'nixosDevices.flash',
  'nixosDevices.ejectDrive',
  'nixosDevices.deploy',
  'nixosDevices.setBootGeneration',
  'nixosDevices.switchGeneration',
  'nixosDevices.rollbackDevice',
  'nixosDevices.openSerialConsole',
  'nixosDevices.serialSettings',
  'nixosDevices.changeBaudRate',
  'nixosDevices.openSerialLog',
  'nixosDevices.bootGeneration',
  'nixosDevices.refreshPorts',
  'nixosDevices.copyPortPath',
  'nixosDevices.openHumility',
  'nixosDevices.chooseHumilityProbe',
  'nixosDevices.buildHumility',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
