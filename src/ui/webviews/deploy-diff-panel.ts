/**
 * The closure diff before a deploy activates, as a webview: what the new system adds, removes
 * and changes (versions, sizes), with Deploy and Cancel. `askToDeploy` resolves true only on an
 * explicit Deploy; closing the panel is Cancel. One panel per deploy; a parallel deploy of
 * several nodes gets one each. Messages from the webview are validated before use.
 */
import * as vscode from 'vscode';
import type { ClosureDiff } from '../../core/deploy';
import type { DeployDiffState, FromWebview, ToWebview } from '../../../webview/deploy-diff/protocol';
import { deployDiffState } from './deploy-diff-state';
import { webviewHtml, webviewOptions } from './webview-html';

export const DEPLOY_DIFF_VIEW_TYPE = 'nixosDevices.deployDiff';

function isMessage(value: unknown): value is FromWebview {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  const type = (value as Record<string, unknown>)['type'];
  return type === 'ready' || type === 'deploy' || type === 'cancel';
}

/** Panels still waiting for an answer, by node: tests and the palette can find them. */
const open = new Map<string, { readonly panel: vscode.WebviewPanel; readonly answer: (deploy: boolean) => void }>();

/** Answers an open diff as if its button were clicked (the "Deploy"/"Cancel" commands). */
export function answerDeployDiff(node: string, deploy: boolean): boolean {
  const entry = open.get(node);
  entry?.answer(deploy);
  return entry !== undefined;
}

export function askToDeploy(extensionUri: vscode.Uri, node: string, host: string, systemPath: string, diff: ClosureDiff | undefined): Promise<boolean> {
  const panel = vscode.window.createWebviewPanel(
    DEPLOY_DIFF_VIEW_TYPE,
    vscode.l10n.t('Deploy {0}', node),
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    webviewOptions(extensionUri),
  );
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'deploy-diff', vscode.l10n.t('Deploy {0}', node));
  let state: DeployDiffState = deployDiffState(node, host, systemPath, diff);
  const post = (): void => void panel.webview.postMessage({ type: 'state', state } satisfies ToWebview);
  return new Promise<boolean>((resolve) => {
    const disposables: vscode.Disposable[] = [];
    let decided = false;
    const answer = (deploy: boolean): void => {
      if (decided) return;
      decided = true;
      open.delete(node);
      state = { ...state, decision: deploy ? 'deploy' : 'cancel' };
      post();
      disposables.forEach((d) => {
        d.dispose();
      });
      resolve(deploy);
      // The diff stays readable while the deploy runs; a cancelled one has nothing left to show.
      if (!deploy) panel.dispose();
    };
    open.get(node)?.answer(false);
    open.set(node, { panel, answer });
    panel.webview.onDidReceiveMessage(
      (message: unknown) => {
        if (!isMessage(message)) return;
        if (message.type === 'ready') post();
        else answer(message.type === 'deploy');
      },
      undefined,
      disposables,
    );
    panel.onDidDispose(() => answer(false), undefined, disposables);
    post();
  });
}
