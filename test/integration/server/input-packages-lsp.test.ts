/**
 * foreign-arch-package's fix through the language server: the server (`nixos-devices lsp --stdio`
 * in its own process) asks its client for the humility input's package names with
 * `nixosDevices/inputPackages`; this test is that client and answers as the extension would after
 * asking Nix. Then the diagnostic names the cross variant, the quick fix points at it, and the
 * diagnostic goes.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { makeTempDir } from '../../harness/temp-dir';

const repo = join(__dirname, '..', '..', '..');
const SEED_06 = readFileSync(join(repo, 'test/fixtures/seed/06-humility-native-on-board.nix'), 'utf8');
const HUMILITY_NAMES = ['humility', 'humility-cross-aarch64-linux', 'humility-cross-armv7l-linux'];

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface Diagnostic {
  code: string;
  message: string;
  range: Range;
}
interface PublishParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}
interface Params {
  flakeDir: string;
  input: string;
  system: string;
}
interface CodeAction {
  title: string;
  isPreferred?: boolean;
  edit: { changes: Record<string, { range: Range; newText: string }[]> };
}

function applyEdits(text: string, edits: readonly { range: Range; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** A server on stdio and the client side of its connection, recording what it publishes and asks. */
class Session {
  readonly published: PublishParams[] = [];
  readonly asked: Params[] = [];
  private readonly server: ChildProcess;
  readonly connection: MessageConnection;
  private readonly waiters: (() => void)[] = [];

  constructor(answer: (p: Params) => readonly string[] | null) {
    this.server = spawn(process.execPath, ['--import', 'tsx', join(repo, 'src/cli.ts'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.connection = createMessageConnection(new StreamMessageReader(this.server.stdout!), new StreamMessageWriter(this.server.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishParams) => {
      this.published.push(p);
      this.wake();
    });
    this.connection.onRequest('nixosDevices/inputPackages', (p: Params) => {
      this.asked.push(p);
      this.wake();
      return answer(p);
    });
    this.connection.listen();
  }

  async initialize(initializationOptions: Record<string, unknown>): Promise<void> {
    await this.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions });
    await this.connection.sendNotification('initialized', {});
  }

  /** Resolves once `ready()` holds, re-checked on every message from the server. */
  until<T>(what: string, ready: () => T | undefined, timeoutMs = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = (): void => {
        const value = ready();
        if (value === undefined) {
          this.waiters.push(check);
          return;
        }
        clearTimeout(timer);
        resolve(value);
      };
      check();
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  async close(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      this.server.kill();
    }
  }
}

function foreignArch(p: PublishParams | undefined): Diagnostic | undefined {
  return p?.diagnostics.find((d) => d.code === 'foreign-arch-package');
}

describe('language server: foreign-arch-package fix from the client’s input package names', () => {
  const tmp = makeTempDir('lsp-input-packages');
  const uri = pathToFileURL(join(tmp.path, 'flake.nix')).href;
  let session: Session;
  before(async () => {
    writeFileSync(join(tmp.path, 'flake.nix'), SEED_06);
    writeFileSync(join(tmp.path, 'flake.lock'), '{ "version": 7, "first": true }\n');
    session = new Session((p) => (p.input === 'humility' ? HUMILITY_NAMES : null));
    await session.initialize({ inputPackages: true });
  });
  after(async () => {
    await session.close();
    tmp.remove();
  });

  it('asks for the input’s names, re-publishes with the cross variant, and its quick fix removes the diagnostic', async () => {
    await session.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nix', version: 1, text: SEED_06 } });
    const named = await session.until('a diagnostic naming the cross variant', () =>
      session.published.find((p) => p.uri === uri && p.version === 1 && /cross variant humility-cross-armv7l-linux/.test(foreignArch(p)?.message ?? '')),
    );
    // The first publish came before the answer: unknown names, the general advice.
    assert.match(foreignArch(session.published.find((p) => p.uri === uri))?.message ?? '', /cross variant for armv7l-linux if it has one/);
    assert.deepEqual(session.asked.map((p) => [p.flakeDir, p.input, p.system]).sort(), [
      [tmp.path, 'humility', 'armv7l-linux'],
      [tmp.path, 'humility', 'x86_64-linux'],
    ]);

    const diagnostic = foreignArch(named)!;
    const actions = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    const cross = actions.find((a) => a.title.startsWith('Use humility.packages.x86_64-linux.humility-cross-armv7l-linux'));
    assert.ok(cross, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(cross.isPreferred, true);
    assert.ok(actions.some((a) => a.title.startsWith('Use humility.packages.armv7l-linux.humility (native')));

    const fixed = applyEdits(SEED_06, cross.edit.changes[uri]!);
    assert.ok(fixed.includes('        humility.packages.x86_64-linux.humility-cross-armv7l-linux\n'));
    await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const second = await session.until('diagnostics for version 2', () => session.published.find((p) => p.uri === uri && p.version === 2));
    assert.equal(foreignArch(second), undefined);
    assert.ok(second.diagnostics.some((d) => d.code === 'invalid-ssh-public-key'), 'the other findings stay');
    assert.equal(session.asked.length, 2, 'answers are remembered, not asked again');
  });

  it('asks again when flake.lock changes: the inputs may have moved', async () => {
    await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: SEED_06 }] });
    await session.until('diagnostics for version 3', () => session.published.find((p) => p.uri === uri && p.version === 3));
    assert.equal(session.asked.length, 2);
    writeFileSync(join(tmp.path, 'flake.lock'), '{ "version": 7, "second": true }\n');
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(tmp.path, 'flake.lock')).href, type: 2 }] });
    await session.until('the question asked again', () => (session.asked.length >= 4 ? true : undefined));
  });
});

describe('language server: a client that does not answer input questions', () => {
  const tmp = makeTempDir('lsp-no-input-packages');
  const uri = pathToFileURL(join(tmp.path, 'flake.nix')).href;
  let session: Session;
  before(async () => {
    session = new Session(() => HUMILITY_NAMES);
    await session.initialize({});
  });
  after(async () => {
    await session.close();
    tmp.remove();
  });

  it('is never sent the custom request, and the diagnostic offers no guessed fix', async () => {
    await session.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nix', version: 1, text: SEED_06 } });
    const first = await session.until('diagnostics', () => session.published.find((p) => p.uri === uri && p.version === 1));
    const diagnostic = foreignArch(first);
    assert.ok(diagnostic);
    const actions = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    assert.deepEqual(actions.filter((a) => /humility/.test(a.title)), []);
    assert.deepEqual(session.asked, []);
  });
});
