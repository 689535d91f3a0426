/**
 * The NixOS Devices language server: plain Node, no `vscode` import, so any LSP client can drive it
 * (VS Code through vscode-languageclient, Neovim, Helix via `nixos-devices lsp --stdio`).
 */
import { startServer } from './server';

startServer();
