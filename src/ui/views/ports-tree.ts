/**
 * The Ports view. Serial ports and debug probes are listed by the terminals work (issue 7);
 * until then the view is empty and shows its welcome content.
 */
import type * as vscode from 'vscode';

export class PortsTreeProvider implements vscode.TreeDataProvider<never> {
  getChildren(): never[] {
    return [];
  }
  getTreeItem(node: never): vscode.TreeItem {
    return node;
  }
}
