/**
 * The language server in the real VS Code: a flake with the seed's deploy-rs trap (an x86_64
 * activation on an armv7l board with no binfmt emulation) gets its diagnostic, the quick fix
 * applies through VS Code's own code-action API, and the diagnostic goes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';

const MISMATCH = 'deploy-activate-system-mismatch';

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Resolves with the document's diagnostics once `ready` holds for them, re-checking on every change. */
function diagnosticsWhen(uri: vscode.Uri, ready: (ds: readonly vscode.Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const ds = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nixos-devices');
      if (!ready(ds)) return false;
      cleanup();
      resolve(ds);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`diagnostics did not arrive as expected; have: ${vscode.languages.getDiagnostics(uri).map(codeOf).join(', ')}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      sub.dispose();
    };
    check();
  });
}

suite('Language server', () => {
  test('flags the deploy-rs trap, and its quick fix makes the diagnostic go', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, 'trap.nix');
    // The seed's flake before its fix (test/fixtures/seed/05-…); the bundle sits in out/test/e2e.
    const text = readFileSync(join(__dirname, '../../../test/fixtures/seed/05-deploy-rs-before-binfmt.nix'), 'utf-8');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.languageId, 'nix');
    await vscode.window.showTextDocument(document);

    const first = await diagnosticsWhen(uri, (ds) => ds.some((d) => codeOf(d) === MISMATCH));
    const mismatch = first.find((d) => codeOf(d) === MISMATCH);
    assert.ok(mismatch);
    assert.equal(mismatch.severity, vscode.DiagnosticSeverity.Error);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, mismatch.range);
    const fix = actions.find((a) => /emulatedSystems/.test(a.title));
    assert.ok(fix?.edit, `a quick fix adds the build system to emulatedSystems; offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));

    const after = await diagnosticsWhen(uri, (ds) => !ds.some((d) => codeOf(d) === MISMATCH));
    assert.ok(after.some((d) => codeOf(d) === 'invalid-ssh-public-key'), 'the other findings stay');
    assert.match(document.getText(), /emulatedSystems/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
