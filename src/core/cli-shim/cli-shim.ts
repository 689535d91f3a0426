/**
 * "Install nixos-devices Command on PATH": a small shell script that runs the CLI bundled in the
 * extension with the editor's own runtime (VS Code's binary acts as Node with
 * ELECTRON_RUN_AS_NODE=1; under code-server the runtime is Node itself, which ignores it), so the
 * CLI and the standalone language server (`nixos-devices lsp --stdio`) work from a shell and from
 * other editors without a separate install.
 */
import { access, chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DevicesError } from '../errors';
import { quoteArgv } from '../remote/quote';

export const SHIM_NAME = 'nixos-devices';

export function cliShimScript(runtimePath: string, cliPath: string): string {
  return [
    '#!/bin/sh',
    '# Installed by the NixOS Devices extension: runs its bundled CLI with the editor\'s runtime.',
    `ELECTRON_RUN_AS_NODE=1 exec ${quoteArgv([runtimePath, cliPath])} "$@"`,
    '',
  ].join('\n');
}

export interface ShimTarget {
  readonly dir: string;
  /** False when the folder is not on PATH: the user must add it. */
  readonly onPath: boolean;
}

/** ~/.local/bin (the XDG place for a user's commands), else ~/bin; says whether PATH has it. */
export function chooseShimDir(home: string, pathVariable: string): ShimTarget {
  const onPath = new Set(pathVariable.split(delimiter).filter((p) => p.length > 0));
  for (const dir of [join(home, '.local', 'bin'), join(home, 'bin')]) {
    if (onPath.has(dir)) return { dir, onPath: true };
  }
  return { dir: join(home, '.local', 'bin'), onPath: false };
}

/** Writes the shim atomically (temp file, then rename) and returns its path. */
export async function installCliShim(options: { readonly runtimePath: string; readonly cliPath: string; readonly dir: string }): Promise<string> {
  try {
    await access(options.cliPath, constants.R_OK);
  } catch (error) {
    throw new DevicesError('NOT_FOUND', `The bundled CLI is missing at ${options.cliPath}. Reinstall the extension.`, { cause: error });
  }
  const target = join(options.dir, SHIM_NAME);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    await mkdir(options.dir, { recursive: true });
    await writeFile(temporary, cliShimScript(options.runtimePath, options.cliPath), { mode: 0o755 });
    await chmod(temporary, 0o755);
    await rename(temporary, target);
  } catch (error) {
    throw new DevicesError('PERMISSION_DENIED', `Could not write ${target}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return target;
}
