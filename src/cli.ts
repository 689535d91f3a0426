/**
 * The `nixos-devices` command: the same core as the extension, from a shell or CI.
 */
import { main } from './cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`nixos-devices: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
