/**
 * Full-diagnostics benchmark (parse, scopes, every rule) against Nix's own parser, side by side
 * in one run:
 *   node --import tsx bench/rules/run.ts [SIZE_MB]
 * Times `checkText` on a 300-line flake (the seed's deploy-rs flake grown with more modules and
 * nodes) and on a multi-megabyte file (the seed flakes, each as an attribute of one big set),
 * and `nix-instantiate --parse` on the same files, with and without each side's startup: see
 * HOW_MEASURED. Also prints the share the rules add over parse + scopes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Lang from '../../src/core/lang';
import type * as Rules from '../../src/core/rules';
import { nixTestEnv } from '../../test/harness/nix';
import {
  HOW_MEASURED,
  bigNixFile,
  bundleCore,
  formatLine,
  interleaved,
  loadBundle,
  minus,
  nixStartupFile,
  nixTimings,
  summary,
  time,
  timeNodeCold,
  timeNodeStartup,
} from '../nix-parse-timing';

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

const sizeMb = Number(process.argv[2] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'nd-bench-rules-'));
try {
  const langBundle = bundleCore(dir, 'lang');
  const rulesBundle = bundleCore(dir, 'rules');
  const lang = loadBundle<typeof Lang>(langBundle);
  const rules = loadBundle<typeof Rules>(rulesBundle);
  const env = { ...process.env, ...nixTestEnv() };
  const startupFile = nixStartupFile(dir);
  const nodeStartup = summary(Array.from({ length: RUNS }, () => timeNodeStartup(env)));
  console.log(formatLine('node startup (node -e 0)', nodeStartup));
  for (const [name, text] of [['300-line flake', flakeOfLines(300)], [`${sizeMb} MB file`, bigFile(sizeMb * 1024 * 1024)]] as const) {
    const file = join(dir, 'bench.nix');
    writeFileSync(file, text);
    const errors = lang.parse(text).errors;
    if (errors.length > 0) throw new Error(`the ${name} has errors: ${errors[0]?.message ?? ''}`);
    const runs = text.length < 100_000 ? RUNS * 5 : RUNS;
    const nix = nixTimings(file, startupFile, RUNS, env);
    for (let i = 0; i < 3; i++) rules.checkText(text);
    const parse = summary(time(() => lang.resolveScopes(lang.parse(text)), runs));
    const full = summary(time(() => rules.checkText(text), runs));
    const [cold] = interleaved(RUNS, [() => timeNodeCold(rulesBundle, file, 'm.checkText(text)', env)]);
    if (cold === undefined) throw new Error('no node timings');
    const findings = rules.checkText(text).findings.length;
    const excl = [['vs --parse', minus(nix.parse, nix.startup)], ['vs no print', minus(nix.noPrint, nix.startup)]] as const;
    const incl = [['vs --parse', nix.parse], ['vs no print', nix.noPrint]] as const;
    const warm = [['warm vs --parse process', nix.parse]] as const;
    console.log(`${name}: ${(text.length / 1024).toFixed(0)} KiB, ${text.split('\n').length} lines, ${findings} findings; medians of ${runs} runs (Nix and cold: ${RUNS})`);
    console.log(formatLine('nix-instantiate --parse', nix.parse));
    console.log(formatLine('nix, no print', nix.noPrint));
    console.log(formatLine('nix startup (one-token file)', nix.startup));
    console.log(formatLine('parse + resolveScopes, excl. startup', parse, excl));
    console.log(formatLine('checkText, excl. startup', full, excl));
    console.log(formatLine('checkText, warm vs process', full, warm));
    console.log(formatLine('checkText, incl. startup', cold, incl));
    console.log(`  rules add ${(full.cpu - parse.cpu).toFixed(1)} ms cpu (${((100 * (full.cpu - parse.cpu)) / Math.max(full.cpu, 1e-9)).toFixed(0)} % of checkText)`);
  }
  console.log(HOW_MEASURED.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
