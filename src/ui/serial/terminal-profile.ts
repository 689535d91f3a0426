/**
 * "Serial Console" in the terminal panel's profile list (the + dropdown): picks a device or port
 * like the Open Serial Console command, and VS Code opens the terminal.
 */
import type * as vscode from 'vscode';
import { pickConsole } from '../commands/serial';
import type { Ctx } from '../ctx';

export function serialTerminalProfileProvider(ctx: Ctx): vscode.TerminalProfileProvider {
  return {
    provideTerminalProfile: async () => {
      const request = await pickConsole(ctx);
      // No choice: VS Code then opens no terminal.
      return request === undefined ? undefined : ctx.serialConsoles.profile(request);
    },
  };
}
