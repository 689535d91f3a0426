/**
 * The extension's context: what commands and views share. Built once in activate(); everything
 * it owns is disposed with the extension.
 */
import type * as vscode from 'vscode';
import type { BuildViewState } from '../../webview/build/protocol';
import type { BuildStatusBar } from './build/build-status-bar';
import type { Config } from './config';
import type { DeviceConnections } from './devices/device-connections';
import type { FlakeCheckRunner } from './flake/flake-check-runner';
import type { SerialConsoles } from './serial/serial-consoles';
import type { FlakeWorkspace } from './flake/flake-workspace';
import type { HumilityTerminals } from './humility/humility-terminals';
import type { DevicesTreeProvider } from './views/devices-tree';
import type { FlakeTreeProvider } from './views/flake-tree';
import type { PortsTreeProvider } from './views/ports-tree';

export interface Ctx {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
  readonly flakes: FlakeWorkspace;
  /** `nix flake check --no-build`: the Check Flake command and, opted in, on save. */
  readonly flakeCheck: FlakeCheckRunner;
  readonly flakeTree: FlakeTreeProvider;
  readonly devicesTree: DevicesTreeProvider;
  /** Build output, its own channel, opened on request. */
  readonly buildLog: vscode.OutputChannel;
  readonly buildStatus: BuildStatusBar;
  /** Each state the Build view is sent, in order (the view itself lives in the webview). */
  readonly buildViewRenders: vscode.Event<BuildViewState>;
  /** SSH connections to devices and the last generations read from each. */
  readonly devices: DeviceConnections;
  /** The open serial consoles (integrated terminals) and the status bar item of the active one. */
  readonly serialConsoles: SerialConsoles;
  /** This machine's serial ports and debug probes (listed once the Ports view is shown). */
  readonly portsTree: PortsTreeProvider;
  /** The open humility terminals (the last one's output, for tests). */
  readonly humility: HumilityTerminals;
}
