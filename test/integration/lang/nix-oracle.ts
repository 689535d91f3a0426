/**
 * Nix's own parser as an oracle: `nix-instantiate --parse FILE...` parses the files in order,
 * prints one line per file, and stops at the first error. A batch therefore holds the cases we
 * expect Nix to accept followed by at most one we expect it to reject; when Nix stops early,
 * the rest of the batch is run again. Two processes at a time (the CI machine has 2 cores).
 */
import { execFile } from 'node:child_process';
import { nixTestEnv } from '../../harness/nix';

export type NixVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly column: number };

interface Batch {
  readonly indices: number[];
}

const MAX_BATCH = 150;

export async function runNix(files: readonly string[], expectAccept: readonly boolean[], concurrency = 2): Promise<{ verdicts: NixVerdict[]; processes: number }> {
  const verdicts: (NixVerdict | undefined)[] = new Array<NixVerdict | undefined>(files.length).fill(undefined);
  const queue: Batch[] = [];
  let current: number[] = [];
  for (let i = 0; i < files.length; i++) {
    current.push(i);
    if (!expectAccept[i] || current.length >= MAX_BATCH) {
      queue.push({ indices: current });
      current = [];
    }
  }
  if (current.length > 0) queue.push({ indices: current });
  let processes = 0;
  const env = { ...process.env, ...nixTestEnv() };

  const runBatch = (batch: Batch): Promise<void> =>
    new Promise((resolve, reject) => {
      processes++;
      const argv = ['--parse', ...batch.indices.map((i) => files[i] ?? '')];
      execFile('nix-instantiate', argv, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error === null) {
          for (const i of batch.indices) verdicts[i] = { ok: true };
          return resolve();
        }
        const at = failedAt(batch, files, stderr);
        if (at === undefined) return reject(new Error(`cannot tell which file nix rejected:\n${stderr}\n${stdout.slice(0, 200)}`));
        const position = batch.indices.indexOf(at.index);
        for (const i of batch.indices.slice(0, position)) verdicts[i] = { ok: true };
        verdicts[at.index] = at.verdict;
        const rest = batch.indices.slice(position + 1);
        if (rest.length > 0) queue.push({ indices: rest });
        resolve();
      });
    });

  const worker = async (): Promise<void> => {
    for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) await runBatch(batch);
  };
  // Batches requeue their rest, so keep workers going until nothing is left.
  while (queue.length > 0) await Promise.all(Array.from({ length: concurrency }, worker));
  return { verdicts: verdicts.map((v) => v ?? { ok: false, message: 'not run', line: 0, column: 0 }), processes };
}

function failedAt(batch: Batch, files: readonly string[], stderr: string): { index: number; verdict: NixVerdict } | undefined {
  const message = /error: (.*)/.exec(stderr)?.[1] ?? stderr.split('\n')[0] ?? '';
  // The error's own position is the last "at FILE:LINE:COL" (a duplicate's message names another).
  const positions = [...stderr.matchAll(/at (\/[^\s:]+):(\d+):(\d+)/g)];
  const last = positions[positions.length - 1];
  if (last === undefined) return undefined;
  const index = batch.indices.find((i) => files[i] === last[1]);
  if (index === undefined) return undefined;
  return { index, verdict: { ok: false, message, line: Number(last[2]), column: Number(last[3]) } };
}
