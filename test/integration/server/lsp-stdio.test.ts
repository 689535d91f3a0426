/**
 * The language server as another editor sees it: `nixos-devices lsp --stdio` in its own process,
 * driven over JSON-RPC. Open a seed flake, get its diagnostics, apply a quick fix, see the
 * diagnostic go.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const repo = join(__dirname, '..', '..', '..');

interface Diagnostic {
  code: string;
  message: string;
  severity: number;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}
interface PublishParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}
interface TextEditLsp {
  range: Diagnostic['range'];
  newText: string;
}

function applyEdits(text: string, edits: readonly TextEditLsp[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

describe('language server over stdio', () => {
  let server: ChildProcess;
  let connection: MessageConnection;
  const published: PublishParams[] = [];
  const waiters: ((p: PublishParams) => boolean)[] = [];

  function nextDiagnostics(uri: string, version: number, timeoutMs = 15_000): Promise<PublishParams> {
    const found = published.find((p) => p.uri === uri && p.version === version);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push((p) => {
        if (p.uri !== uri || p.version !== version) return false;
        clearTimeout(timer);
        resolve(p);
        return true;
      });
    });
  }

  before(async () => {
    server = spawn(process.execPath, ['--import', 'tsx', join(repo, 'src/cli.ts'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishParams) => {
      published.push(p);
      for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!(p)) waiters.splice(i, 1);
    });
    connection.listen();
    const result = await connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions: { lensCommands: ['nixosDevices.build'] },
    });
    assert.ok(result.capabilities['codeActionProvider']);
    await connection.sendNotification('initialized', {});
  });

  after(async () => {
    try {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } finally {
      connection.dispose();
      server.kill();
    }
  });

  it('reports the seed flake traps, then a quick fix makes its diagnostic go', async () => {
    const uri = 'file:///work/flake.nix';
    const text = readFileSync(join(repo, 'test/fixtures/seed/05-deploy-rs-before-binfmt.nix'), 'utf-8');
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nix', version: 1, text } });
    const first = await nextDiagnostics(uri, 1);
    const codes = first.diagnostics.map((d) => d.code).sort();
    assert.ok(codes.includes('deploy-activate-system-mismatch'), `codes: ${codes.join(', ')}`);
    assert.ok(codes.includes('invalid-ssh-public-key'));

    const mismatch = first.diagnostics.find((d) => d.code === 'deploy-activate-system-mismatch')!;
    const actions = await connection.sendRequest<{ title: string; edit: { changes: Record<string, TextEditLsp[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: mismatch.range,
      context: { diagnostics: [mismatch] },
    });
    const add = actions.find((a) => /emulatedSystems/.test(a.title));
    assert.ok(add, `a fix adds to emulatedSystems; got: ${actions.map((a) => a.title).join(' | ')}`);
    const fixed = applyEdits(text, add.edit.changes[uri]!);
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const second = await nextDiagnostics(uri, 2);
    assert.ok(!second.diagnostics.some((d) => d.code === 'deploy-activate-system-mismatch'));
    assert.ok(second.diagnostics.some((d) => d.code === 'invalid-ssh-public-key'), 'the other findings stay');
  });

  it('gives an outline of the outputs', async () => {
    const uri = 'file:///work/humility/flake.nix';
    const text = readFileSync(join(repo, 'test/fixtures/seed/01-humility-flake.nix'), 'utf-8');
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nix', version: 1, text } });
    const symbols = await connection.sendRequest<{ name: string }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => s.name), ['inputs', 'packages', 'defaultPackage']);
  });

  it('puts Build lenses over buildable outputs, and only for the commands the client has', async () => {
    const uri = 'file:///work/board/flake.nix';
    const text = readFileSync(join(repo, 'test/fixtures/seed/04-deploy-rs.nix'), 'utf-8');
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nix', version: 1, text } });
    const lenses = await connection.sendRequest<{ command: { title: string; command: string; arguments: { flakeDir: string; attrPath: string }[] } }[]>(
      'textDocument/codeLens',
      { textDocument: { uri } },
    );
    assert.deepEqual(
      lenses.map((l) => [l.command.command, l.command.arguments[0]?.attrPath]),
      [
        ['nixosDevices.build', 'nixosConfigurations.vulpix.config.system.build.toplevel'],
        ['nixosDevices.build', 'images.vulpix'],
      ],
    );
    assert.equal(lenses[0]?.command.arguments[0]?.flakeDir, '/work/board');
  });

  it('completes pkgsCross platforms and system doubles', async () => {
    const uri = 'file:///work/complete.nix';
    const text = 'x: x.pkgsCross.armv\n{ system = "aarch';
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nix', version: 1, text } });
    const cross = await connection.sendRequest<{ label: string; detail: string }[]>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 19 } });
    assert.equal(cross.find((c) => c.label === 'armv7l-hf-multiplatform')?.detail, 'builds here, runs on armv7l-linux');
    const systems = await connection.sendRequest<{ label: string }[]>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 19 } });
    assert.ok(systems.some((c) => c.label === 'aarch64-linux'));
  });

  it('explains a pkgsCross platform and a flake output kind on hover', async () => {
    const uri = 'file:///work/hover/flake.nix';
    const text = readFileSync(join(repo, 'test/fixtures/seed/02-minimal-image.nix'), 'utf-8');
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nix', version: 1, text } });
    const lines = text.split('\n');
    const at = (needle: string): { line: number; character: number } => {
      const line = lines.findIndex((l) => l.includes(needle));
      return { line, character: (lines[line] ?? '').indexOf(needle) + 2 };
    };
    const cross = await connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: at('armv7l-hf-multiplatform') });
    assert.match(cross?.contents.value ?? '', /runs on armv7l-linux/);
    const images = await connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: at('images.vulpix') });
    assert.match(images?.contents.value ?? '', /flash/);
  });
});
