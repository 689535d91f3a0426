/**
 * The one module that imports @vscode/webview-ui-toolkit (archived upstream): swapping it for
 * another component set means changing this file only. It registers the elements webviews use.
 */
import { provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeDivider, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeProgressRing(), vsCodeBadge(), vsCodeDivider());
}

/** Creates a toolkit button (a plain button until the element is defined). */
export function button(label: string, appearance: 'primary' | 'secondary' | 'icon' = 'secondary'): HTMLElement {
  const element = document.createElement('vscode-button');
  element.setAttribute('appearance', appearance);
  element.textContent = label;
  return element;
}

export function progressRing(): HTMLElement {
  return document.createElement('vscode-progress-ring');
}

export function badge(text: string): HTMLElement {
  const element = document.createElement('vscode-badge');
  element.textContent = text;
  return element;
}
