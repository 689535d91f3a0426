/**
 * How the SSH stack asks the user things in VS Code: trusting an unknown host (its SHA-256
 * fingerprint shown, as OpenSSH does) and passphrases or passwords, which are kept in VS Code's
 * SecretStorage only when the user ticks "Remember" — never in settings or files.
 */
import * as vscode from 'vscode';
import type { AskSecret, SecretRequest, UnknownHostPrompt } from '../../core/remote';

const SECRET_PREFIX = 'nixosDevices.ssh:';

export async function confirmUnknownHost(prompt: UnknownHostPrompt): Promise<boolean> {
  const trust = vscode.l10n.t('Trust and Connect');
  const where = prompt.port === 22 ? prompt.host : `[${prompt.host}]:${prompt.port}`;
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('The authenticity of {0} cannot be established.', where),
    {
      modal: true,
      detail: vscode.l10n.t(
        '{0} key fingerprint is {1}.\nCompare it with the one the device shows (ssh-keygen -lf /etc/ssh/ssh_host_{2}_key.pub on it) before trusting it. It will be added to ~/.ssh/known_hosts.',
        prompt.keyType,
        prompt.fingerprintSha256,
        prompt.keyType.replace(/^ssh-/, '').replace(/^ecdsa-.*/, 'ecdsa'),
      ),
    },
    trust,
  );
  return choice === trust;
}

/** An AskSecret that remembers per prompt text (which names the key file or user@host). */
export function secretAsker(secrets: vscode.SecretStorage): AskSecret & { forget(request: SecretRequest): Promise<void> } {
  const key = (request: SecretRequest): string => `${SECRET_PREFIX}${request.kind}:${request.prompt}`;
  const ask = async (request: SecretRequest): Promise<string | undefined> => {
    const stored = await secrets.get(key(request));
    if (stored !== undefined) return stored;
    const input = vscode.window.createInputBox();
    input.title = request.kind === 'passphrase' ? vscode.l10n.t('SSH key passphrase') : vscode.l10n.t('SSH password');
    input.prompt = request.prompt;
    input.password = true;
    input.ignoreFocusOut = true;
    const remember: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('save'), tooltip: vscode.l10n.t('Remember in VS Code\'s secret storage') };
    input.buttons = [remember];
    let rememberIt = false;
    const disposables: vscode.Disposable[] = [];
    const value = await new Promise<string | undefined>((resolve) => {
      input.onDidTriggerButton(
        () => {
          rememberIt = !rememberIt;
          input.prompt = rememberIt ? `${request.prompt} ${vscode.l10n.t('(will be remembered)')}` : request.prompt;
        },
        undefined,
        disposables,
      );
      input.onDidAccept(() => resolve(input.value), undefined, disposables);
      input.onDidHide(() => resolve(undefined), undefined, disposables);
      input.show();
    });
    disposables.forEach((d) => {
      d.dispose();
    });
    input.dispose();
    if (value !== undefined && rememberIt) await secrets.store(key(request), value);
    return value;
  };
  return Object.assign(ask, { forget: (request: SecretRequest) => Promise.resolve(secrets.delete(key(request))) });
}
