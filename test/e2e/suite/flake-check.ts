/**
 * `nix flake check --no-build` on save, opted in through the setting: saving flake.nix with an
 * output Nix rejects puts Nix's error in Problems at that output's line; fixing and saving again
 * clears it. Without the setting, a save runs no check.
 */
import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';

const SOURCE = 'nix flake check';
const ANCHOR = '      deploy.nodes.vulpix = {';
const BROKEN = '      checks.x86_64-linux.smoke = 1;\n';

function flakeUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, 'flake.nix');
}

function checkDiagnostics(): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(flakeUri()).filter((d) => d.source === SOURCE);
}

async function waitFor(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1_000);
      const sub = vscode.languages.onDidChangeDiagnostics(() => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
    });
  }
}

/** Edits the open document and saves it, as a user does (the save event is what triggers). */
async function editAndSave(document: vscode.TextDocument, from: string, to: string): Promise<void> {
  const text = document.getText();
  const at = text.indexOf(from);
  assert.ok(at >= 0, `flake.nix contains ${JSON.stringify(from)}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(at), document.positionAt(at + from.length)), to);
  assert.ok(await vscode.workspace.applyEdit(edit));
  assert.ok(await document.save(), 'flake.nix saved');
}

suite('Flake check on save', () => {
  test('puts what nix flake check reports in Problems at the output, and clears it when fixed', async () => {
    const configuration = vscode.workspace.getConfiguration('nixosDevices');
    const document = await vscode.workspace.openTextDocument(flakeUri());
    await vscode.window.showTextDocument(document);
    // The Flake view suite rewrote flake.nix on disk just before: reload the editor's copy from
    // disk so the saves below are not refused as conflicts with a newer file.
    await vscode.commands.executeCommand('workbench.action.files.revert');
    try {
      // Off (the default): a broken save leaves Problems without a check result.
      await editAndSave(document, ANCHOR, `${BROKEN}${ANCHOR}`);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      assert.equal(checkDiagnostics().length, 0, 'no check runs on save unless the user opts in');
      await editAndSave(document, BROKEN, '');

      await configuration.update('check.onSave', true, vscode.ConfigurationTarget.Workspace);
      await editAndSave(document, ANCHOR, `${BROKEN}${ANCHOR}`);
      await waitFor('the check error in Problems', () => checkDiagnostics().length > 0);
      const [error] = checkDiagnostics();
      assert.equal(error?.severity, vscode.DiagnosticSeverity.Error);
      assert.match(error?.message ?? '', /checks\.x86_64-linux\.smoke' is not a derivation/);
      assert.match(document.lineAt(error?.range.start.line ?? 0).text, /smoke = 1;/);

      await editAndSave(document, BROKEN, '');
      await waitFor('Problems to clear', () => checkDiagnostics().length === 0);
    } finally {
      await configuration.update('check.onSave', undefined, vscode.ConfigurationTarget.Workspace);
      if (document.getText().includes(BROKEN)) await editAndSave(document, BROKEN, '');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });
});
