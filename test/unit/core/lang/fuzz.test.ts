/**
 * Fuzzing core/lang: 100,000 random byte and token mutations of real Nix files. Whatever the
 * input, parse and resolveScopes must return (no exception), quickly (a per-case time limit
 * detects hangs), with a tree that covers the text exactly and errors inside the text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { realNixSources } from '../../../harness/nix-sources';
import { isNode, lex, parse, resolveScopes, type SyntaxNode } from '../../../../src/core/lang';

const CASES = Number(process.env['NIX_FUZZ_CASES'] ?? 100_000);
const SEED = Number(process.env['NIX_FUZZ_SEED'] ?? 4242);
/** Far above any real parse (a few ms for these files): only a hang or a blow-up gets here. */
const HANG_MS = 2_000;

const TOKENS = ['{', '}', '(', ')', '[', ']', ';', '=', ':', '.', ',', '@', '?', '...', '"', "''", '${', '/', '//', '*/', '/*', '#',
  'let', 'in', 'rec', 'inherit', 'or', 'if', 'then', 'else', 'with', 'assert', '|>', '<|', '->', 'x', '1', '1.5', './a/', '~/', '<a>',
  'a:b', '\\', '$', "'''", "''$", "''\\", '\r', '\r\n', '\u0000', 'é', '😀', '\ud800'];

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

function mutate(text: string, rng: Rng): string {
  let s = text;
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const at = rng.int(s.length + 1);
    const op = rng.int(6);
    if (op === 0) s = s.slice(0, at) + String.fromCharCode(rng.int(rng.int(2) === 0 ? 128 : 0x10000)) + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + rng.int(20));
    else if (op === 2) s = s.slice(0, at) + s.slice(at, at + rng.int(40)) + s.slice(at);
    else if (op === 3) s = s.slice(0, at) + (TOKENS[rng.int(TOKENS.length)] ?? '') + s.slice(at);
    else {
      // token-level: drop, double or replace a whole token
      const tokens = lex(s).tokens;
      const token = tokens[rng.int(tokens.length)];
      if (token === undefined) continue;
      const piece = s.slice(token.start, token.end);
      const replacement = op === 4 ? '' : rng.int(2) === 0 ? piece + piece : (TOKENS[rng.int(TOKENS.length)] ?? '');
      s = s.slice(0, token.start) + replacement + s.slice(token.end);
    }
  }
  return s;
}

function checkTree(root: SyntaxNode, text: string): void {
  let last = 0;
  const stack: SyntaxNode[] = [root];
  const leaves: string[] = [];
  // iterative in-order walk of leaves
  const walk = (node: SyntaxNode): void => {
    const frames: { node: SyntaxNode; i: number }[] = [{ node, i: 0 }];
    while (frames.length > 0) {
      const top = frames[frames.length - 1]!;
      const child = top.node.children[top.i++];
      if (child === undefined) {
        frames.pop();
        continue;
      }
      if (isNode(child)) {
        assert.ok(child.start >= top.node.start && child.end <= top.node.end, `${child.kind} outside ${top.node.kind}`);
        frames.push({ node: child, i: 0 });
      } else {
        assert.equal(child.start, last, 'tokens are contiguous');
        last = child.end;
        leaves.push(text.slice(child.start, child.end));
      }
    }
  };
  walk(stack[0]!);
  assert.equal(leaves.join(''), text, 'the tree covers the text exactly');
}

describe('core/lang fuzzing', () => {
  it(`parses ${CASES} random mutations of real files without throwing, hanging or losing text`, { timeout: 300_000 }, () => {
    const sources = realNixSources();
    const rng = new Rng(SEED);
    let slowest = 0;
    let withErrors = 0;
    for (let i = 0; i < CASES; i++) {
      const source = sources[rng.int(sources.length)] ?? '';
      // Mostly a slice of a file, so that many cases are short and fast; now and then a whole one.
      const from = rng.int(source.length);
      const base = rng.int(10) === 0 ? source : source.slice(from, from + 20 + rng.int(400));
      const text = mutate(base, rng);
      const started = performance.now();
      let result;
      try {
        result = parse(text);
        resolveScopes(result);
      } catch (error) {
        assert.fail(`case ${i} (seed ${SEED}) threw ${String(error)} on ${JSON.stringify(text)}`);
      }
      const elapsed = performance.now() - started;
      slowest = Math.max(slowest, elapsed);
      assert.ok(elapsed < HANG_MS, `case ${i} took ${elapsed} ms: ${JSON.stringify(text)}`);
      if (result.errors.length > 0) withErrors++;
      for (const error of result.errors) assert.ok(error.start >= 0 && error.end <= text.length && error.start <= error.end);
      if (i % 10 === 0) checkTree(result.root, text);
    }
    console.log(`seed ${SEED}: ${CASES} cases, ${withErrors} with errors, slowest ${slowest.toFixed(1)} ms`);
  });
});
