/**
 * A tree data provider that stands in for the real one until the view first asks for items:
 * the activation entry registers the views with these, and the rest of the extension is loaded
 * only when VS Code calls getChildren (the view became visible). Change events of the real
 * provider are forwarded, so its refreshes reach the view like its own.
 */
import * as vscode from 'vscode';

export class LazyTreeDataProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private real: vscode.TreeDataProvider<T> | undefined;
  private forwarding: vscode.Disposable | undefined;

  constructor(private readonly load: () => vscode.TreeDataProvider<T>) {}

  private provider(): vscode.TreeDataProvider<T> {
    if (this.real === undefined) {
      this.real = this.load();
      this.forwarding = this.real.onDidChangeTreeData?.((element) => this.changed.fire(element));
    }
    return this.real;
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.provider().getTreeItem(element);
  }

  getChildren(element?: T): vscode.ProviderResult<T[]> {
    return this.provider().getChildren(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.provider().getParent?.(element);
  }

  resolveTreeItem(item: vscode.TreeItem, element: T, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    const real = this.provider();
    return real.resolveTreeItem === undefined ? item : real.resolveTreeItem(item, element, token);
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
  }
}
