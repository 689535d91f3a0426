/**
 * Builds flake targets: `nix build INSTALLABLES -L --json` through NixCli (which appends
 * `--log-format internal-json` last: the last logging flag wins), with live progress in a
 * BuildProgress and a Job. Result paths come from `--json` on stdout (2.8 has no
 * --print-out-paths), never from result symlinks. A failed build names the failing derivation,
 * its error and its last log lines; an evaluation error carries the workspace file:line:col.
 */
import { resolve } from 'node:path';
import { DevicesError } from '../errors';
import { Job, type JobContext } from '../jobs';
import { SILENT_LOGGER, type Logger } from '../log';
import { BuildProgress, type BuildProgressOptions } from './build-progress';
import type { BuildProgressSnapshot } from './build-progress-model';
import type { BuildHistory } from './build-history';
import type { BuildPlan } from './build-plan';
import { findSdImage, readClosureBytes } from './build-products';
import { buildFailure } from './build-failure';
import { ResultType, type NixLogEvent } from './internal-json';
import type { NixCli } from './nix-cli';

export interface BuildOptions {
  /** The folder installables are relative to (the workspace folder). */
  readonly cwd?: string;
  /** Out-links go to `<outLinkDir>/<attr>`; without it, `--no-link`. */
  readonly outLinkDir?: string;
  /** `--builders` (remote builders, e.g. `ssh://pi aarch64-linux`). */
  readonly builders?: string;
  /** Build on this store (`ssh-ng://builder`): results stay there, so no out-links. */
  readonly buildHost?: string;
  readonly extraArgs?: readonly string[];
  /** The dry-run plan: seeds the planned derivations of the progress. */
  readonly plan?: BuildPlan;
  /** Measure the closure after success (`nix path-info -rS`); default true. */
  readonly measureClosure?: boolean;
  /** Records each derivation's build time for later ETAs. */
  readonly history?: BuildHistory;
  readonly progress?: BuildProgressOptions;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

export interface BuildTargetResult {
  readonly installable: string;
  readonly drvPath: string;
  /** Output name → store path. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly outLink?: string;
  /** The SD image file, when the target is one (nix-support/hydra-build-products). */
  readonly sdImage?: string;
}

export interface BuildResult {
  readonly targets: readonly BuildTargetResult[];
  /** Bytes of the closure of all results; undefined when not measured. */
  readonly closureBytes?: number;
  readonly durationMs: number;
  readonly progress: BuildProgressSnapshot;
}

export type BuildPhase = 'evaluating' | 'building' | 'finishing';

export interface BuildHandle {
  readonly job: Job<BuildResult>;
  /** Live state for the Build view: snapshot it at the view's own pace (e.g. every 100 ms). */
  readonly progress: BuildProgress;
}

/** Starts a build as a Job. Progress events carry derivation counts; log events the build log. */
export function startBuild(nix: NixCli, installables: readonly string[], options: BuildOptions = {}): BuildHandle {
  const progress = new BuildProgress(options.progress);
  // Seeded now, not when the job body runs, so the first render already shows the plan.
  if (options.plan !== undefined) progress.plan(options.plan.toBuild);
  const title = `Build ${installables.join(' ')}`;
  const job = Job.start(title, (ctx) => runBuild(nix, installables, { ...options, signal: ctx.signal }, progress, ctx), {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { job, progress };
}

/** The attribute part of an installable as a file name: `.#images.vulpix` → `images.vulpix`. */
export function outLinkName(installable: string): string {
  const hash = installable.indexOf('#');
  const attr = hash < 0 ? '' : installable.slice(hash + 1);
  const safe = attr.replace(/[^A-Za-z0-9._+-]/g, '_').replace(/^\.+/, '');
  return safe.length > 0 ? safe : 'default';
}

/** The nix argv of a build (NixCli adds `--log-format internal-json` after it) and where links go. */
export function buildArgs(
  installables: readonly string[],
  options: Pick<BuildOptions, 'cwd' | 'outLinkDir' | 'builders' | 'buildHost' | 'extraArgs'>,
): { readonly args: readonly string[]; readonly storeArgs: readonly string[]; readonly linkDir?: string; readonly singleLink?: string } {
  const storeArgs = options.buildHost === undefined ? [] : ['--store', options.buildHost];
  // Results on a build host stay in its store: a local link to them would dangle.
  const linkDir = options.outLinkDir === undefined || options.buildHost !== undefined ? undefined : resolve(options.cwd ?? '.', options.outLinkDir);
  // One target links directly; several link afterwards, one per target (nix would number them).
  const singleLink = linkDir !== undefined && installables.length === 1 ? resolve(linkDir, outLinkName(installables[0] ?? '')) : undefined;
  const args = [
    'build',
    ...installables,
    '-L',
    '--json',
    ...(singleLink === undefined ? ['--no-link'] : ['--out-link', singleLink]),
    ...(options.builders === undefined ? [] : ['--builders', options.builders]),
    ...storeArgs,
    ...(options.extraArgs ?? []),
  ];
  return { args, storeArgs, ...(linkDir === undefined ? {} : { linkDir }), ...(singleLink === undefined ? {} : { singleLink }) };
}

/** Runs the build; with a Job context, reports phases, counts and log lines to it. */
export async function runBuild(
  nix: NixCli,
  installables: readonly string[],
  options: BuildOptions = {},
  progress: BuildProgress = new BuildProgress(options.progress),
  ctx?: JobContext,
): Promise<BuildResult> {
  const logger = options.logger ?? SILENT_LOGGER;
  if (installables.length === 0) throw new DevicesError('INVALID_ARGUMENT', 'Nothing to build: give at least one installable, e.g. .#default.');
  const startedAt = Date.now();
  if (options.plan !== undefined) progress.plan(options.plan.toBuild);
  const { args, storeArgs, linkDir, singleLink } = buildArgs(installables, options);
  ctx?.phase('evaluating' satisfies BuildPhase);
  const reporter = ctx === undefined ? undefined : new JobReporter(ctx, progress);
  const result = await nix.run(args, {
    onEvent: (event) => {
      progress.apply(event);
      reporter?.report(event);
    },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  await recordHistory(options.history, progress, logger);
  if (result.exec.exitCode !== 0) throw await buildFailure(nix, installables, result, progress, options);

  ctx?.phase('finishing' satisfies BuildPhase);
  const targets = await resultTargets(nix, installables, result.exec.stdout, linkDir, singleLink, storeArgs, options);
  const outPaths = targets.flatMap((t) => Object.values(t.outputs));
  let closureBytes: number | undefined;
  if (options.measureClosure !== false && outPaths.length > 0) {
    try {
      closureBytes = await readClosureBytes(nix, outPaths, { storeArgs, ...(options.signal === undefined ? {} : { signal: options.signal }) });
    } catch (error) {
      logger.warn(`Could not measure the closure: ${String(error)}`); // the build itself succeeded
    }
  }
  return { targets, durationMs: Date.now() - startedAt, progress: progress.snapshot(), ...(closureBytes === undefined ? {} : { closureBytes }) };
}

/** Job events: counts only when they change (not per log line), and each log line. */
class JobReporter {
  private lastCounts = '';
  private building = false;
  constructor(
    private readonly ctx: JobContext,
    private readonly progress: BuildProgress,
  ) {}

  report(event: NixLogEvent): void {
    if (event.kind === 'result' && (event.type === ResultType.BuildLogLine || event.type === ResultType.PostBuildLogLine) && typeof event.fields[0] === 'string') {
      this.ctx.log(event.fields[0], 'info', this.progress.derivationNameOf(event.id) ?? 'build');
      return;
    }
    if (event.kind === 'message' && event.level <= 1) this.ctx.log(event.text, event.level === 0 ? 'error' : 'warn', 'nix');
    if (event.kind === 'plain' && event.text.length > 0) this.ctx.log(event.text, 'info', 'nix');
    if (event.kind !== 'start' && event.kind !== 'stop' && event.kind !== 'result') return;
    const counts = this.progress.counts();
    const key = `${counts.planned}/${counts.running}/${counts.done}/${counts.failed}`;
    if (key === this.lastCounts) return;
    this.lastCounts = key;
    if (!this.building && counts.running + counts.done + counts.failed > 0) {
      this.building = true;
      this.ctx.phase('building' satisfies BuildPhase);
    }
    const total = counts.planned + counts.running + counts.done + counts.failed;
    this.ctx.progress({
      done: counts.done,
      total,
      unit: 'derivations',
      message: `${counts.running} running, ${counts.planned} planned${counts.failed > 0 ? `, ${counts.failed} failed` : ''}`,
    });
  }
}

async function recordHistory(history: BuildHistory | undefined, progress: BuildProgress, logger: Logger): Promise<void> {
  if (history === undefined) return;
  for (const build of progress.finishedBuilds()) if (build.state === 'done') history.record(build.name, build.durationMs);
  try {
    await history.save();
  } catch (error) {
    logger.warn(`Could not save the build history to ${history.file}: ${String(error)}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function resultTargets(
  nix: NixCli,
  installables: readonly string[],
  stdout: string,
  linkDir: string | undefined,
  singleLink: string | undefined,
  storeArgs: readonly string[],
  options: BuildOptions,
): Promise<BuildTargetResult[]> {
  let json: unknown;
  try {
    json = JSON.parse(stdout) as unknown;
  } catch (error) {
    throw new DevicesError('NIX_BUILD_FAILED', 'nix build succeeded but did not print its results as JSON.', { cause: error, detail: stdout.slice(0, 2000) });
  }
  const entries = Array.isArray(json) ? json.filter(isRecord) : [];
  // nix prints the results ordered by .drv path, not by installable: match them by drvPath.
  const order = installables.length === 1 ? [entries] : await entriesByInstallable(nix, installables, entries, options);
  const targets: BuildTargetResult[] = [];
  for (const [i, matched] of order.entries()) {
    const installable = installables[i] ?? '';
    const entry = matched[0] ?? {};
    const outputs: Record<string, string> = {};
    for (const e of matched) {
      for (const [name, path] of Object.entries(isRecord(e['outputs']) ? e['outputs'] : {})) if (typeof path === 'string') outputs[name] = path;
    }
    let outLink = singleLink;
    if (linkDir !== undefined && singleLink === undefined && Object.keys(outputs).length > 0) {
      outLink = resolve(linkDir, outLinkName(installable));
      // A second, instant nix build of the store paths makes a GC-rooted link per target.
      const linked = await nix.run(['build', ...Object.values(outputs), '--out-link', outLink], options.signal === undefined ? {} : { signal: options.signal });
      if (linked.exec.exitCode !== 0) outLink = undefined;
    }
    const sdImage = storeArgs.length === 0 && outputs['out'] !== undefined ? await findSdImage(outputs['out']) : undefined;
    targets.push({
      installable,
      drvPath: typeof entry['drvPath'] === 'string' ? entry['drvPath'] : '',
      outputs,
      ...(outLink === undefined ? {} : { outLink }),
      ...(sdImage === undefined ? {} : { sdImage }),
    });
  }
  return targets;
}

/** For each installable, its entries of `nix build --json` (matched by `nix eval INSTALLABLE.drvPath`,
 * answered from the flake eval cache after a build). */
async function entriesByInstallable(
  nix: NixCli,
  installables: readonly string[],
  entries: readonly Record<string, unknown>[],
  options: BuildOptions,
): Promise<Record<string, unknown>[][]> {
  const matched: Record<string, unknown>[][] = [];
  for (const installable of installables) {
    let drvPath: string | undefined;
    if (installable.includes('#')) {
      const evaluated = await nix.run(['eval', '--raw', `${installable}.drvPath`], {
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      if (evaluated.exec.exitCode === 0) drvPath = evaluated.exec.stdout.trim();
    }
    matched.push(entries.filter((e) => e['drvPath'] === drvPath));
  }
  return matched;
}
