/**
 * What every webview front-end needs from its page: VS Code's messaging API, typed by the
 * webview's own message union, and `el` to build elements whose data goes in as textContent
 * only (never innerHTML, so names and log lines cannot inject markup).
 */

export interface VsCodeApi<FromWebview> {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi<FromWebview>(): VsCodeApi<FromWebview>;

/** The page's API; VS Code allows acquiring it once, so each front-end calls this once. */
export function vscodeApi<FromWebview>(): VsCodeApi<FromWebview> {
  return acquireVsCodeApi<FromWebview>();
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className !== undefined) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
