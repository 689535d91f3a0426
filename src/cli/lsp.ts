/**
 * `nixos-devices lsp --stdio`: the language server for any editor (Neovim, Helix, …). The
 * connection reads its transport from argv (--stdio, --node-ipc, --socket=N), as
 * vscode-languageserver does; the process lives until the client sends `exit`.
 */
import { startServer } from '../server/server';
import type { CliCommand } from './main';

export const lspCommand: CliCommand = async (args, io) => {
  if (!args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
    io.stderr.write('nixos-devices lsp: choose a transport: --stdio (most editors), --node-ipc, --socket=PORT or --pipe=NAME.\n');
    return 2;
  }
  const connection = startServer();
  await new Promise<void>((resolve) => connection.onExit(resolve));
  return 0;
};
