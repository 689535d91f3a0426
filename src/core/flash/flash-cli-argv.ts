/**
 * The CLI flash command that elevation runs as root (pkexec/sudo on Linux, osascript on macOS):
 * VS Code's own binary as Node (ELECTRON_RUN_AS_NODE), our CLI, `flash --json`. One place, so
 * both routes pass the same flags.
 */
export interface FlashCliArgvOptions {
  readonly runtimePath: string;
  readonly cliPath: string;
  readonly image: string;
  readonly target: string;
  readonly verify: boolean;
  readonly allowNonRemovable: boolean;
  readonly eject: boolean;
}

export function flashCliArgv(options: FlashCliArgvOptions): string[] {
  return [
    'env',
    'ELECTRON_RUN_AS_NODE=1',
    options.runtimePath,
    options.cliPath,
    'flash',
    '--yes',
    '--json',
    // The user already confirmed the drive and its mount points in the editor.
    '--unmount',
    ...(options.verify ? [] : ['--no-verify']),
    ...(options.allowNonRemovable ? ['--allow-non-removable'] : []),
    ...(options.eject ? ['--eject'] : []),
    // Absolute paths: an image or device name can never be read as an option.
    options.image,
    options.target,
  ];
}
