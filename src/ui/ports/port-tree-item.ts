/** A port row as a TreeItem, the same in the Ports view and under a device in the Devices view. */
import * as vscode from 'vscode';
import type { PortItem } from './port-items';

export function portTreeItem(item: PortItem): vscode.TreeItem {
  const tree = new vscode.TreeItem(item.label, vscode.TreeItemCollapsibleState.None);
  tree.id = item.id;
  tree.description = item.description;
  tree.tooltip = item.tooltip;
  tree.iconPath = new vscode.ThemeIcon(item.icon);
  if (item.contextValue !== undefined) tree.contextValue = item.contextValue;
  return tree;
}
