/**
 * Our full diagnostics (parse, scopes, every rule: core/rules checkText) against Nix's own
 * parser (`nix-instantiate --parse`) on the same files, in the same run. Goal: ratio ≤ 1 for a
 * 300-line flake and for a 2 MB file. nix-instantiate is timed as a whole process (that is what
 * a user waits for); ours in-process after a warm-up, as the language server runs it.
 *   node --import tsx bench/diagnostics/run.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkText } from '../../src/core/rules';

const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function timeNix(file: string): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    execFileSync('nix-instantiate', ['--parse', file], { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, NIX_CONFIG: 'experimental-features = nix-command flakes' } });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

function timeOurs(text: string): { ms: number; findings: number } {
  const today = new Date('2026-11-25T00:00:00Z');
  checkText(text, { today }); // warm-up: the language server is a long-lived process
  const samples: number[] = [];
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    findings = checkText(text, { today }).findings.length;
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ms: median(samples), findings };
}

/** A realistic 300-line flake: the seed's final flake, its module repeated as more boards. */
function flake300(): string {
  const seed = readFileSync(join(__dirname, '../../test/fixtures/seed/04-deploy-rs.nix'), 'utf-8');
  const lines = seed.split('\n');
  const start = lines.findIndex((l) => l.startsWith('    nixosModules.vulpix = '));
  const end = lines.findIndex((l, i) => i > start && l === '    });');
  const module = lines.slice(start, end + 1);
  const extra: string[] = [];
  for (let i = 0; extra.length + lines.length < 300; i++) extra.push(...module.map((l) => l.replaceAll('vulpix', `board${i}`)));
  const at = lines.findIndex((l) => l.includes('deploy.nodes.vulpix'));
  return [...lines.slice(0, at), ...extra, ...lines.slice(at)].join('\n');
}

/** A 2 MB file: a big attribute set of package-like entries, as nixpkgs' generated sets are. */
function twoMegabytes(): string {
  const parts = ['{ lib, fetchurl, stdenv }:', 'let', '  mk = name: version: stdenv.mkDerivation { inherit name version; src = fetchurl { url = "https://example.invalid/${name}-${version}.tar.gz"; sha256 = lib.fakeSha256; }; };', 'in rec {'];
  let size = parts.join('\n').length;
  for (let i = 0; size < 2 * 1024 * 1024; i++) {
    const line = `  pkg${i} = mk "pkg${i}" "1.${i % 97}.${i % 13}"; # generated entry ${i}`;
    parts.push(line);
    size += line.length + 1;
  }
  parts.push('}');
  return parts.join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'nd-bench-diagnostics-'));
try {
  const cases = [
    { name: '300-line flake', text: flake300() },
    { name: '2 MB file', text: twoMegabytes() },
  ];
  console.log(`median of ${RUNS} runs each`);
  for (const c of cases) {
    const file = join(dir, `${c.name.replace(/\W+/g, '-')}.nix`);
    writeFileSync(file, c.text);
    const nix = timeNix(file);
    const ours = timeOurs(c.text);
    const lines = c.text.split('\n').length;
    console.log(
      `${c.name} (${lines} lines, ${(c.text.length / 1024).toFixed(0)} KiB): ours ${ours.ms.toFixed(1)} ms (${ours.findings} findings) vs nix-instantiate --parse ${nix.toFixed(1)} ms → ratio ${(ours.ms / nix).toFixed(2)} (goal ≤ 1)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
