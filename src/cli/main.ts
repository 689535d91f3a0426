import { exitStatusFor, toDevicesError, type DevicesError } from '../core/errors';
import { buildCommand } from './build';
import { cardCommand } from './card';
import { checkCommand } from './check';
import { deployCommand } from './deploy';
import { drivesCommand } from './drives';
import { flashCommand } from './flash';
import { generationsCommand } from './generations';
import { humilityCommand } from './humility';
import { lspCommand } from './lsp';
import { outputsCommand } from './outputs';
import { portsCommand } from './ports';
import { rollbackCommand } from './rollback';
import { serialCommand } from './serial';

export interface CliIo {
  /** Where confirmations are read (process.stdin unless a caller gives one). */
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export type CliCommand = (args: readonly string[], io: CliIo, signal: AbortSignal) => Promise<number>;

const USAGE = `Usage: nixos-devices <command> [options]

Commands:
  outputs [--json] [FLAKE_DIR]   list a flake's outputs: configurations, images, packages, deploy nodes
  check [--format text|json] FILE...
                                 flake and board diagnostics (exit 1 on errors)
  build [--json] INSTALLABLE...  build flake targets with live progress (nix's exit status)
  drives [--json]                list whole disks and whether an image may be written to them
  flash IMAGE DEVICE [--yes] [--no-verify] [--allow-non-removable] [--unmount] [--eject] [--json]
                                 write .img.zst/.xz/.gz/.img/.iso (or a Nix result) to a card,
                                 verify it, and print both SHA-256 hashes
  card host-key CARD --host NAME[,NAME…] [--port N] [--known-hosts FILE] [--replace-key|--keep-key] [--json]
                                 pre-seed the board's SSH host key on a flashed card (no mount) and
                                 record it in known_hosts
  card boot-menu CARD [--set-default N|default|LABEL] [--json]
                                 show a card's extlinux menu; set which generation boots by default
                                 (CARD: an image file, or the card's device as root, not mounted)
  deploy NODE... [--dry-activate|--boot] [--json] [--confirm-timeout S] [--all-or-nothing]
         [--concurrency N] [--health-check JSON_ARGV]
                                 deploy deploy.nodes over SSH with magic rollback; a rollback
                                 exits non-zero (run in the flake's folder)
  generations DEVICE [--json]    generations and the extlinux boot menu as u-boot numbers it
  rollback DEVICE [--to N]       switch back to the previous (or Nth) generation
  ports [--json] [--via DEVICE]  serial ports and debug probes (USB-UARTs, ST-Links) here or on a
                                 deploy node; says when it fell back to sysfs (no udevadm)
  serial PORT [--baud N] [--frame 8N1] [--line-ending cr|lf|crlf] [--via DEVICE] [--log FILE]
         [--log-timestamps] [--timestamps] [--hex]
                                 a raw serial terminal (Ctrl-] quits; with stdin on a pipe, its
                                 end quits); --via opens PORT on a deploy node over SSH
  humility [--via DEVICE] [--probe P] [--archive F] [--environment F] [--target T] [--command PATH] -- ARGS...
                                 run humility here or on a deploy node with HUMILITY_* set (the
                                 archive is uploaded once); humility's exit status
  lsp --stdio                    the language server, for any editor
  help                           show this text
  version                        print the version

Errors print as "nixos-devices: <message>"; the exit status is 1 for a failure, 2 for a usage
error and 130 after Ctrl-C.
`;

/** Runs one CLI invocation and returns its exit status. SIGINT cancels the running command. */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }): Promise<number> {
  const [name, ...rest] = argv;
  const commands: Record<string, CliCommand> = { outputs: outputsCommand, check: checkCommand, build: buildCommand, drives: drivesCommand, flash: flashCommand, card: cardCommand, deploy: deployCommand, generations: generationsCommand, rollback: rollbackCommand, ports: portsCommand, serial: serialCommand, humility: humilityCommand, lsp: lspCommand };
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === 'version' || name === '--version') {
    io.stdout.write('0.1.0\n');
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    io.stderr.write(`nixos-devices: unknown command '${name}'.\n${USAGE}`);
    return 2;
  }
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await command(rest, io, controller.signal);
  } catch (error) {
    const devicesError: DevicesError = toDevicesError(error);
    const where = devicesError.location === undefined ? '' : `${devicesError.location.file}:${devicesError.location.line}:${devicesError.location.column}: `;
    io.stderr.write(`${where === '' ? 'nixos-devices: ' : `${where}error: `}${devicesError.message}\n`);
    return exitStatusFor(devicesError);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
