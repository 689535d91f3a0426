/**
 * `nixos-devices build [--json] [--out-link-dir DIR] [--builders SPEC] [--store URL]
 *  INSTALLABLE... [-- NIX_ARGS...]`: a build with one live progress line on a terminal, or JSON
 * event lines with --json (the last one, `result`, carries the result paths). Errors print as
 * `file:line:col: error: message` with workspace paths, for VS Code problem matchers. Exits with
 * nix's exit status (130 when cancelled).
 */
import { DevicesError, exitStatusFor, toDevicesError } from '../core/errors';
import type { JobEvent } from '../core/jobs';
import { SILENT_LOGGER } from '../core/log';
import { BuildFailedError, NixCli, startBuild, type BuildProgress, type BuildResult, type DerivationCounts } from '../core/nix';
import { parseArgs } from './args';
import type { CliCommand, CliIo } from './main';

/** The progress line is redrawn at most this often. */
const REDRAW_MS = 100;

export const buildCommand: CliCommand = async (args, io, signal) => {
  const parsed = parseArgs(args, { booleans: ['json'], values: ['out-link-dir', 'builders', 'store'] }, 'build');
  if (parsed.positional.length === 0) {
    throw new DevicesError('INVALID_ARGUMENT', 'build: give at least one installable, e.g. `nixos-devices build .#default`.');
  }
  const json = parsed.flags.has('json');
  const flag = (name: string): string | undefined => {
    const value = parsed.flags.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const outLinkDir = flag('out-link-dir');
  const builders = flag('builders');
  const buildHost = flag('store');
  const nix = new NixCli({ program: io.env['NIXOS_DEVICES_NIX'] ?? 'nix', env: io.env, logger: SILENT_LOGGER });
  const { job, progress } = startBuild(nix, parsed.positional, {
    cwd: io.cwd,
    signal,
    extraArgs: parsed.rest,
    ...(outLinkDir === undefined ? {} : { outLinkDir }),
    ...(builders === undefined ? {} : { builders }),
    ...(buildHost === undefined ? {} : { buildHost }),
  });
  const view = json ? new JsonView(io, progress) : io.stderr.isTTY === true ? new LineView(io, progress) : new PlainView(io);
  const subscription = job.onEvent((event) => view.onEvent(event));
  const timer = setInterval(() => view.tick(), REDRAW_MS);
  try {
    const outcome = await job.done;
    view.finish();
    if (outcome.status === 'succeeded') {
      view.result(outcome.value);
      return 0;
    }
    view.failure(outcome.error);
    if (outcome.status === 'cancelled') return exitStatusFor(outcome.error);
    return outcome.error instanceof BuildFailedError && outcome.error.exitCode !== null && outcome.error.exitCode > 0
      ? outcome.error.exitCode
      : exitStatusFor(outcome.error);
  } finally {
    clearInterval(timer);
    subscription.dispose();
  }
};

interface View {
  onEvent(event: JobEvent<BuildResult>): void;
  tick(): void;
  finish(): void;
  result(result: BuildResult): void;
  failure(error: DevicesError): void;
}

function countsText(c: DerivationCounts): string {
  const total = c.planned + c.running + c.done + c.failed;
  return `${c.done}/${total} built, ${c.running} running${c.failed > 0 ? `, ${c.failed} failed` : ''}`;
}

function resultPaths(result: BuildResult): string[] {
  return result.targets.flatMap((t) => Object.values(t.outputs));
}

/** `file:line:col: error: message` when Nix located the problem, else `error: message`. */
export function formatBuildError(error: DevicesError): string {
  const where = error.location === undefined ? '' : `${error.location.file}:${error.location.line}:${error.location.column}: `;
  const lines = [`${where}error: ${error.message}`];
  if (error instanceof BuildFailedError) {
    for (const failure of error.failures) {
      lines.push(`  last log lines of ${failure.name}:`, ...failure.logTail.map((l) => `    ${l}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A terminal: one status line on stderr, rewritten in place. */
class LineView implements View {
  private drawn = false;
  private version = -1;
  constructor(
    private readonly io: CliIo,
    private readonly progress: BuildProgress,
  ) {}
  onEvent(): void {
    // Drawn on the timer: a build can log thousands of lines a second.
  }
  tick(): void {
    if (this.progress.version === this.version) return;
    this.version = this.progress.version;
    const snapshot = this.progress.snapshot();
    const running = snapshot.derivations.filter((d) => d.state === 'running');
    const now = running[0];
    const detail = now === undefined ? '' : `: ${now.name}${now.phase === undefined ? '' : ` (${now.phase})`}`;
    const elapsed = Math.round((Date.now() - snapshot.startedAt) / 1000);
    const columns = (this.io.stderr as { columns?: number }).columns ?? 100;
    const line = `[${countsText(snapshot.counts)}] ${elapsed}s${detail}`.slice(0, Math.max(20, columns - 1));
    this.io.stderr.write(`\r\u001b[K${line}`);
    this.drawn = true;
  }
  finish(): void {
    if (this.drawn) this.io.stderr.write('\r\u001b[K');
  }
  result(result: BuildResult): void {
    for (const path of resultPaths(result)) this.io.stdout.write(`${path}\n`);
  }
  failure(error: DevicesError): void {
    if (error.code !== 'CANCELLED') this.io.stderr.write(formatBuildError(error));
    else this.io.stderr.write(`${error.message}\n`);
  }
}

/** Not a terminal (a pipe, a log file): a line per derivation started or failed. */
class PlainView implements View {
  constructor(private readonly io: CliIo) {}
  onEvent(event: JobEvent<BuildResult>): void {
    if (event.kind === 'phase') this.io.stderr.write(`${event.phase}…\n`);
    if (event.kind === 'progress' && event.progress.message !== undefined) {
      this.io.stderr.write(`${event.progress.done}/${event.progress.total ?? '?'} built, ${event.progress.message}\n`);
    }
  }
  tick(): void {}
  finish(): void {}
  result(result: BuildResult): void {
    for (const path of resultPaths(result)) this.io.stdout.write(`${path}\n`);
  }
  failure(error: DevicesError): void {
    this.io.stderr.write(error.code === 'CANCELLED' ? `${error.message}\n` : formatBuildError(error));
  }
}

/** --json: one JSON object per line on stdout; errors still go to stderr for problem matchers. */
class JsonView implements View {
  private version = -1;
  constructor(
    private readonly io: CliIo,
    private readonly progress: BuildProgress,
  ) {}
  private write(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }
  onEvent(event: JobEvent<BuildResult>): void {
    if (event.kind === 'phase') this.write({ event: 'phase', phase: event.phase });
    if (event.kind === 'log') this.write({ event: 'log', level: event.level, source: event.source, line: event.line });
  }
  tick(): void {
    if (this.progress.version === this.version) return;
    this.version = this.progress.version;
    const snapshot = this.progress.snapshot();
    this.write({
      event: 'progress',
      counts: snapshot.counts,
      nixBuilds: snapshot.nixBuilds,
      running: snapshot.derivations.filter((d) => d.state === 'running').map((d) => ({ drvPath: d.drvPath, name: d.name, phase: d.phase })),
      transfers: snapshot.transfers,
    });
  }
  finish(): void {
    this.version = -1;
    this.tick();
  }
  result(result: BuildResult): void {
    this.write({
      event: 'result',
      status: 'succeeded',
      paths: resultPaths(result),
      targets: result.targets,
      closureBytes: result.closureBytes,
      durationMs: result.durationMs,
    });
  }
  failure(error: DevicesError): void {
    const e = toDevicesError(error);
    this.write({
      event: 'result',
      status: e.code === 'CANCELLED' ? 'cancelled' : 'failed',
      error: {
        code: e.code,
        message: e.message,
        location: e.location,
        failures: e instanceof BuildFailedError ? e.failures.map((f) => ({ drvPath: f.drvPath, name: f.name, error: f.error, logTail: f.logTail })) : [],
      },
    });
    if (e.code !== 'CANCELLED') this.io.stderr.write(formatBuildError(e));
  }
}
