/**
 * Actions on a device's generations, each as the board's own commands (argv through core/remote's
 * quoting): switch to generation N, make N what boots by default (`nix-env --switch-generation N`
 * then N's `switch-to-configuration boot`, so profile and menu agree), roll back, delete
 * generations older than N (then `switch-to-configuration boot` again so the menu has no
 * dangling entries, then optionally `nix-store --gc`), and diff two generations.
 */
import { DevicesError } from '../errors';
import type { RemoteExecOptions, RemoteExecResult, SshConnection } from '../remote';
import type { BoardPaths } from './board-paths';
import { diffClosures, type ClosureDiff } from './closure-diff';
import { boardClosure } from './closure-info';
import { readGenerations, type DeviceGenerations } from './generations';

/** Runs argv as root on the board: an SshConnection logged in as root, or an Elevation. */
export interface BoardCommands {
  exec(argv: readonly string[], options?: RemoteExecOptions): Promise<RemoteExecResult>;
}

async function checked(commands: BoardCommands, argv: readonly string[], what: string): Promise<RemoteExecResult> {
  const result = await commands.exec(argv);
  if (result.exitCode !== 0) {
    throw new DevicesError('PROGRAM_FAILED', `${what} failed (${argv.join(' ')}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`, { detail: result.stderr });
  }
  return result;
}

function generationLink(paths: BoardPaths, generation: number): string {
  return `${paths.profile}-${String(generation)}-link`;
}

function requireGeneration(state: DeviceGenerations, generation: number, device: string): void {
  if (!state.generations.some((g) => g.number === generation)) {
    const known = state.generations.map((g) => g.number).join(', ');
    throw new DevicesError('NOT_FOUND', `${device} has no generation ${String(generation)} (it has: ${known || 'none'}).`);
  }
}

export interface GenerationActionContext {
  /** Reads generations over SFTP. */
  readonly connection: SshConnection;
  /** Runs the commands as root (the connection itself for root). */
  readonly commands: BoardCommands;
  readonly paths: BoardPaths;
}

/** Activates generation N now and makes it the profile's (and the menu's default). */
export async function switchToGeneration(context: GenerationActionContext, generation: number): Promise<DeviceGenerations> {
  requireGeneration(await readGenerations(context.connection, context.paths), generation, context.connection.target);
  await checked(context.commands, ['nix-env', '-p', context.paths.profile, '--switch-generation', String(generation)], 'Switching the profile');
  await checked(context.commands, [`${generationLink(context.paths, generation)}/bin/switch-to-configuration`, 'switch'], `Activating generation ${String(generation)}`);
  return readGenerations(context.connection, context.paths);
}

/** Makes N what boots by default, without activating it now. */
export async function setBootGeneration(context: GenerationActionContext, generation: number): Promise<DeviceGenerations> {
  requireGeneration(await readGenerations(context.connection, context.paths), generation, context.connection.target);
  await checked(context.commands, ['nix-env', '-p', context.paths.profile, '--switch-generation', String(generation)], 'Switching the profile');
  await checked(context.commands, [`${generationLink(context.paths, generation)}/bin/switch-to-configuration`, 'boot'], `Making generation ${String(generation)} the boot default`);
  return readGenerations(context.connection, context.paths);
}

/** Switches to `to`, or to the newest generation older than the profile's. */
export async function rollbackGeneration(context: GenerationActionContext, to?: number): Promise<DeviceGenerations> {
  const state = await readGenerations(context.connection, context.paths);
  const target = to ?? [...state.generations].reverse().find((g) => state.profileGeneration !== undefined && g.number < state.profileGeneration)?.number;
  if (target === undefined) {
    throw new DevicesError('NOT_FOUND', `${context.connection.target} has no generation older than ${String(state.profileGeneration ?? 'the current one')} to roll back to.`);
  }
  return switchToGeneration(context, target);
}

/** Deletes every generation older than N (never the profile's), rewrites the menu, optionally GCs. */
export async function deleteGenerationsOlderThan(context: GenerationActionContext, generation: number, options: { readonly gc?: boolean } = {}): Promise<DeviceGenerations> {
  const state = await readGenerations(context.connection, context.paths);
  const doomed = state.generations.filter((g) => g.number < generation && g.number !== state.profileGeneration && !g.isCurrent).map((g) => String(g.number));
  if (doomed.length > 0) {
    await checked(context.commands, ['nix-env', '-p', context.paths.profile, '--delete-generations', ...doomed], 'Deleting generations');
  }
  // The menu still lists the deleted generations until the bootloader is written again.
  await checked(context.commands, [`${context.paths.profile}/bin/switch-to-configuration`, 'boot'], 'Rewriting the boot menu');
  if (options.gc === true) await checked(context.commands, ['nix-store', '--gc'], 'Collecting garbage');
  return readGenerations(context.connection, context.paths);
}

/** What changes from generation A to generation B (packages, versions, size). */
export async function diffGenerations(context: GenerationActionContext, from: number, to: number): Promise<ClosureDiff> {
  const state = await readGenerations(context.connection, context.paths);
  requireGeneration(state, from, context.connection.target);
  requireGeneration(state, to, context.connection.target);
  const path = (n: number): string => state.generations.find((g) => g.number === n)?.storePath ?? '';
  return diffClosures(await boardClosure(context.connection, path(from)), await boardClosure(context.connection, path(to)));
}
