/**
 * The nix command: version detection (once, only when a caller needs it or a call fails without
 * Nix's log), flags adapted to the version (Debian's nix-bin is 2.8), every call with
 * `--log-format internal-json` so errors come with file/line/column, and failures turned into
 * DevicesErrors whose locations point at the workspace, not the store.
 */
import { DevicesError } from '../errors';
import { run, type ExecResult } from '../exec';
import { SILENT_LOGGER, type Logger } from '../log';
import { parseNixLogLine, type NixLogEvent, type NixPosition } from './internal-json';
import { mapStorePath, mapStorePathsInText, type SourceRoot } from './source-paths';

export interface NixVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly text: string;
}

export interface NixCliOptions {
  /** The nix program (a name on PATH or an absolute path). */
  readonly program?: string;
  /** Environment overrides for every call (NIX_CONFIG in tests, NIX_SSHOPTS for deploys). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
}

export interface NixRunOptions {
  readonly cwd?: string;
  /** Merged over the NixCli's own environment overrides for this call. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  /** Every internal-json event from stderr, as it arrives. */
  readonly onEvent?: (event: NixLogEvent) => void;
  /** Store copies to map back in error messages (a flake's source). */
  readonly sourceRoots?: readonly SourceRoot[];
  /** Where an unknown `…-source` path in an error points to: the flake folder. */
  readonly fallbackSourceDir?: string;
}

export interface NixMessage {
  readonly level: number;
  readonly text: string;
  readonly position?: NixPosition;
}

export interface NixRunResult {
  readonly exec: ExecResult;
  /** Nix's error and warning messages (level ≤ 1), with store paths mapped back. */
  readonly messages: readonly NixMessage[];
}

const INSTALL_HINT =
  'Install Nix (https://nixos.org/download; on Debian or Ubuntu: apt install nix-bin) or set nixosDevices.nix.path to the nix binary.';

export function parseNixVersion(text: string): NixVersion | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), text: text.trim() };
}

export function versionAtLeast(version: NixVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

export class NixCli {
  readonly program: string;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly logger: Logger;
  private versionPromise: Promise<NixVersion> | undefined;

  constructor(options: NixCliOptions = {}) {
    this.program = options.program ?? 'nix';
    this.env = options.env ?? {};
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  /** Detected once per NixCli; a missing nix is NIX_MISSING with how to install it. */
  version(): Promise<NixVersion> {
    this.versionPromise ??= this.detectVersion();
    return this.versionPromise;
  }

  private async detectVersion(): Promise<NixVersion> {
    let result: ExecResult;
    try {
      result = await run([this.program, '--version'], { env: this.env, parseable: true, logger: this.logger });
    } catch (error) {
      this.versionPromise = undefined; // let a later call retry after the user installs nix
      throw new DevicesError('NIX_MISSING', `Nix was not found (${this.program}). ${INSTALL_HINT}`, { cause: error });
    }
    const version = parseNixVersion(result.stdout);
    if (result.exitCode !== 0 || version === undefined) {
      this.versionPromise = undefined;
      throw new DevicesError('NIX_MISSING', `${this.program} --version did not print a Nix version. ${INSTALL_HINT}`, {
        detail: result.stdout + result.stderr,
      });
    }
    this.logger.info(`nix: ${version.text}`);
    return version;
  }

  /** `nix flake show` lists only the current system from 2.13 on unless told otherwise. */
  async flakeShowArgs(): Promise<readonly string[]> {
    return versionAtLeast(await this.version(), 2, 13) ? ['--all-systems'] : [];
  }

  /**
   * Runs `nix ARGS` with the experimental features we need and internal-json logging. The version
   * is not detected first (a `nix --version` before every first call is a process in series with
   * the work): only a call that could not start, or that failed without one line of Nix's log,
   * asks it, to say NIX_MISSING with how to install Nix instead of an unknown program's output.
   */
  async run(args: readonly string[], options: NixRunOptions = {}): Promise<NixRunResult> {
    const messages: NixMessage[] = [];
    const roots = options.sourceRoots ?? [];
    let spokeNix = false;
    let exec: ExecResult;
    try {
      exec = await this.exec(args, options, (line) => {
        const event = parseNixLogLine(line);
        if (event.kind !== 'plain') spokeNix = true;
        if (event.kind === 'message' && event.level <= 1) {
          const text = mapStorePathsInText(event.text, roots, options.fallbackSourceDir);
          const position =
            event.position === undefined
              ? undefined
              : { ...event.position, file: mapSourceFile(event.position.file, roots, options.fallbackSourceDir) };
          messages.push(position === undefined ? { level: event.level, text } : { level: event.level, text, position });
        }
        options.onEvent?.(event);
      });
    } catch (error) {
      if (error instanceof DevicesError && error.code === 'SPAWN_FAILED') await this.version(); // throws NIX_MISSING when it is missing
      throw error;
    }
    if (exec.exitCode !== 0 && !spokeNix && exec.signal === null) await this.version();
    return { exec, messages };
  }

  private exec(args: readonly string[], options: NixRunOptions, onStderrLine: (line: string) => void): Promise<ExecResult> {
    return run([this.program, '--extra-experimental-features', 'nix-command flakes', ...args, '--log-format', 'internal-json'], {
      env: { ...this.env, ...options.env },
      parseable: true,
      logger: this.logger,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onStderrLine,
    });
  }

  /** Runs nix and parses its stdout as JSON; a failure is a DevicesError carrying Nix's message. */
  async json(args: readonly string[], options: NixRunOptions & { readonly what: string }): Promise<unknown> {
    const result = await this.run(args, options);
    if (result.exec.exitCode !== 0) throw nixFailure(options.what, result);
    try {
      return JSON.parse(result.exec.stdout) as unknown;
    } catch (error) {
      throw new DevicesError('NIX_EVAL_FAILED', `${options.what}: nix printed something that is not JSON.`, {
        cause: error,
        detail: result.exec.stdout.slice(0, 2000),
      });
    }
  }
}

function mapSourceFile(file: string, roots: readonly SourceRoot[], fallbackDir: string | undefined): string {
  const mapped = mapStorePath(file, roots);
  return mapped === file ? mapStorePathsInText(file, [], fallbackDir) : mapped;
}

/** The first error Nix reported, as the user-facing message, with its location. */
export function nixFailure(what: string, result: NixRunResult): DevicesError {
  const error = result.messages.find((m) => m.level === 0) ?? result.messages[0];
  const stderrTail = result.exec.stderr
    .split('\n')
    .filter((l) => !l.startsWith('@nix '))
    .slice(-5)
    .join('\n')
    .trim();
  const summary = error === undefined ? stderrTail || `nix exited with ${String(result.exec.exitCode)}` : firstParagraph(error.text);
  return new DevicesError('NIX_EVAL_FAILED', `${what} failed: ${summary}`, {
    detail: [error?.text ?? '', `argv: ${JSON.stringify(result.exec.argv)}`].join('\n'),
    ...(error?.position === undefined ? {} : { location: error.position }),
  });
}

/** Nix's messages are "error: <what>\n\n       at <file>:<l>:<c>:\n <code frame>": keep the what. */
function firstParagraph(text: string): string {
  const first = text.split(/\n\s*\n/)[0] ?? text;
  return first.replace(/^error:\s*/, '').trim();
}
