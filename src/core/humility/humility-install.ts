/**
 * humility on a board without a redeploy: build the flake's humility package for the board (its
 * cross package, e.g. humility-cross-armv7l-linux) here, copy its closure into the board's store
 * over the device's connection (core/deploy's closure copy), and run it from its store path.
 */
import { DevicesError } from '../errors';
import { copyClosure } from '../deploy';
import type { Logger } from '../log';
import { runBuild, type NixCli } from '../nix';
import type { SshConnection } from '../remote';

export interface InstallHumilityOptions {
  /** The flake folder the attribute is built from. */
  readonly flakeDir: string;
  /** e.g. `packages.x86_64-linux.humility-cross-armv7l-linux`. */
  readonly attrPath: string;
  readonly nixEnv?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

/** Returns the humility program's store path on the board (`<out>/bin/humility`). */
export async function installHumilityOnBoard(nix: NixCli, connection: SshConnection, options: InstallHumilityOptions): Promise<string> {
  const optional = { ...(options.signal === undefined ? {} : { signal: options.signal }), ...(options.logger === undefined ? {} : { logger: options.logger }) };
  const built = await runBuild(nix, [`.#${options.attrPath}`], { cwd: options.flakeDir, measureClosure: false, ...optional });
  const out = built.targets[0]?.outputs['out'];
  if (out === undefined) throw new DevicesError('NIX_BUILD_FAILED', `Building ${options.attrPath} gave no out path.`);
  await copyClosure(connection, [out], { ...optional, ...(options.nixEnv === undefined ? {} : { nixEnv: options.nixEnv }) });
  return `${out}/bin/humility`;
}
