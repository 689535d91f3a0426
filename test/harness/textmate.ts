/**
 * Tokenises text with a grammar from syntaxes/ through VS Code's own engine (vscode-textmate
 * with the Oniguruma WASM), for grammar tests. Both packages are dev dependencies loaded by
 * name; `textMateSkip` says why a test is skipped where they are absent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** The parts of vscode-textmate and vscode-oniguruma used here (loaded by name, untyped). */
interface Token {
  startIndex: number;
  endIndex: number;
  scopes: string[];
}
interface Grammar {
  tokenizeLine(line: string, stack: unknown): { tokens: Token[]; ruleStack: unknown };
}
interface TextMate {
  INITIAL: unknown;
  Registry: new (options: unknown) => { loadGrammar(scope: string): Promise<Grammar | null> };
  parseRawGrammar(content: string, path: string): unknown;
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const TEXTMATE = 'vscode-textmate';
const ONIGURUMA = 'vscode-oniguruma';
export const textMateSkip: string | false = installed(TEXTMATE) && installed(ONIGURUMA) ? false : 'vscode-textmate / vscode-oniguruma are not installed';

let wasmLoaded: Promise<void> | undefined;

async function loadGrammar(path: string, scopeName: string): Promise<{ grammar: Grammar; tm: TextMate }> {
  const tm = (await import(TEXTMATE)) as TextMate;
  const onig = (await import(ONIGURUMA)) as Oniguruma;
  wasmLoaded ??= (async () => {
    const wasm = readFileSync(require.resolve(`${ONIGURUMA}/release/onig.wasm`));
    await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  })();
  await wasmLoaded;
  const registry = new tm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new onig.OnigScanner(patterns),
      createOnigString: (text: string) => new onig.OnigString(text),
    }),
    loadGrammar: async () => tm.parseRawGrammar(readFileSync(path, 'utf8'), path),
  });
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar !== null, `grammar ${scopeName} loads from ${path}`);
  return { grammar, tm };
}

/** Every token's text → the innermost scope of its first occurrence in `text`. */
export async function scopesOf(path: string, scopeName: string, text: string): Promise<Map<string, string>> {
  const { grammar, tm } = await loadGrammar(path, scopeName);
  const scopes = new Map<string, string>();
  let stack = tm.INITIAL;
  for (const line of text.split('\n')) {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    for (const token of result.tokens) {
      const tokenText = line.slice(token.startIndex, token.endIndex);
      if (!scopes.has(tokenText)) scopes.set(tokenText, token.scopes.at(-1) ?? '');
    }
  }
  return scopes;
}
