/**
 * Full-diagnostics benchmark (parse, scopes, every rule) against Nix's own parser, side by side
 * in one run:
 *   node --import tsx bench/rules/run.ts [SIZE_MB]
 * Times `checkText` on a 300-line flake (the seed's deploy-rs flake grown with more modules and
 * nodes) and on a multi-megabyte file (the seed flakes, each as an attribute of one big set),
 * and `nix-instantiate --parse` on the same files. Our code is bundled with esbuild first, as it
 * ships. Prints medians of wall and CPU time, the share the rules add over parse + scopes, and
 * the ratios ours / Nix (below 1 means faster; Nix's time includes starting its process).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type * as Lang from '../../src/core/lang';
import type * as Rules from '../../src/core/rules';
import { nixTestEnv } from '../../test/harness/nix';
import { bigNixFile, median, time, timeNix, type Timing } from '../nix-parse-timing';

const SEED = join(__dirname, '..', '..', 'test', 'fixtures', 'seed');
const RUNS = 7;


/** The seed's final flake grown to `lines` lines with more modules and deploy nodes. */
function flakeOfLines(lines: number): string {
  const base = readFileSync(join(SEED, '05-deploy-rs-before-binfmt.nix'), 'utf8');
  const extra: string[] = [];
  for (let i = 0; extra.length + base.split('\n').length < lines; i++) {
    extra.push(
      `    nixosModules.extra${i} = { lib, pkgs, ... }: {`,
      `      environment.systemPackages = with pkgs; [ git htop ];`,
      `      boot.kernelParams = [ "console=ttyAMA0,115200" ];`,
      `      users.users.u${i}.openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILw1nNwf8iRxx4dptssmKtw5xGEAhPacwkhWzTQdPueW u${i}" ];`,
      `    };`,
      `    deploy.nodes.n${i} = { hostname = "n${i}.lan"; profiles.system.path = deploy-rs.lib.x86_64-linux.activate.nixos nixosConfigurations.vulpix; };`,
    );
  }
  return base.replace('    deploy.nodes.vulpix = {', `${extra.join('\n')}\n    deploy.nodes.vulpix = {`);
}

function bigFile(targetBytes: number): string {
  const sources = readdirSync(SEED).filter((f) => f.endsWith('.nix')).sort().map((f) => readFileSync(join(SEED, f), 'utf8'));
  return bigNixFile(sources, targetBytes, 'f');
}

function loadBundled<T>(dir: string, area: string): T {
  const outfile = join(dir, `${area}.cjs`);
  buildSync({ entryPoints: [join(__dirname, '..', '..', 'src', 'core', area, 'index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as T;
}

function summary(timings: readonly Timing[]): Timing {
  return { wall: median(timings.map((t) => t.wall)), cpu: median(timings.map((t) => t.cpu)) };
}

function line(label: string, t: Timing, nix?: Timing): string {
  const ratio = nix === undefined ? '' : `   ratio ours/nix: wall ${(t.wall / nix.wall).toFixed(2)}, cpu ${(t.cpu / nix.cpu).toFixed(2)}`;
  return `  ${label.padEnd(28)} wall ${t.wall.toFixed(1).padStart(8)} ms   cpu ${t.cpu.toFixed(1).padStart(8)} ms${ratio}`;
}

const sizeMb = Number(process.argv[2] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'nd-bench-rules-'));
try {
  const lang = loadBundled<typeof Lang>(dir, 'lang');
  const rules = loadBundled<typeof Rules>(dir, 'rules');
  const env = { ...process.env, ...nixTestEnv() };
  for (const [name, text] of [['300-line flake', flakeOfLines(300)], [`${sizeMb} MB file`, bigFile(sizeMb * 1024 * 1024)]] as const) {
    const file = join(dir, 'bench.nix');
    writeFileSync(file, text);
    const errors = lang.parse(text).errors;
    if (errors.length > 0) throw new Error(`the ${name} has errors: ${errors[0]?.message ?? ''}`);
    const runs = text.length < 100_000 ? RUNS * 5 : RUNS;
    for (let i = 0; i < 3; i++) rules.checkText(text);
    const nix = summary(Array.from({ length: RUNS }, () => timeNix(file, env)));
    const parse = summary(time(() => lang.resolveScopes(lang.parse(text)), runs));
    const full = summary(time(() => rules.checkText(text), runs));
    const findings = rules.checkText(text).findings.length;
    console.log(`${name}: ${(text.length / 1024).toFixed(0)} KiB, ${text.split('\n').length} lines, ${findings} findings; medians of ${runs} runs`);
    console.log(line('nix-instantiate --parse', nix));
    console.log(line('parse + resolveScopes', parse, nix));
    console.log(line('checkText (all rules)', full, nix));
    console.log(`  rules add ${(full.cpu - parse.cpu).toFixed(1)} ms cpu (${((100 * (full.cpu - parse.cpu)) / Math.max(full.cpu, 1e-9)).toFixed(0)} % of checkText)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
