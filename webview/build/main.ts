/**
 * The Build view's front-end: renders the state the host sends (a live derivation tree, counts,
 * transfers, the result or the failure). Only textContent is used for data, never innerHTML, so
 * a derivation name or log line cannot inject markup. State survives hiding via setState.
 */
import { el, vscodeApi } from '../webview-api';
import { badge, button, progressRing, registerToolkit } from '../toolkit';
import type { BuildViewNode, BuildViewState, FromWebview, ToWebview } from './protocol';

const vscode = vscodeApi<FromWebview>();
registerToolkit();

function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

function bytes(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}

const STATE_ICON: Record<BuildViewNode['state'], string> = {
  planned: '○',
  waiting: '○',
  running: '◐',
  done: '✓',
  cached: '·',
  failed: '✗',
  interrupted: '◌',
};

function renderNode(node: BuildViewNode): HTMLElement {
  const li = el('li', `node ${node.state}`);
  const row = el('div', 'row');
  row.append(el('span', 'icon', STATE_ICON[node.state]), el('span', 'name', node.name));
  if (node.phase !== undefined) row.append(el('span', 'phase', node.phase));
  if (node.elapsedMs !== undefined) row.append(el('span', 'elapsed', duration(node.elapsedMs)));
  if (node.repeated) row.append(el('span', 'repeated', '(shown above)'));
  li.append(row);
  if (node.logTail !== undefined && node.logTail.length > 0) {
    const pre = el('pre', 'log-tail', node.logTail.join('\n'));
    const open = button('Open Full Log');
    open.addEventListener('click', () => vscode.postMessage({ type: 'openLog', drvPath: node.drvPath }));
    li.append(pre, open);
  }
  if (node.children.length > 0) {
    const ul = el('ul');
    for (const child of node.children) ul.append(renderNode(child));
    li.append(ul);
  }
  return li;
}

function render(state: BuildViewState): void {
  const root = document.getElementById('root');
  if (root === null) return;
  root.replaceChildren();
  const header = el('header');
  header.append(el('h2', undefined, state.title));
  if (state.status === 'running') {
    header.append(progressRing());
    const cancel = button('Cancel');
    cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
    header.append(cancel);
  } else {
    header.append(badge(state.status));
  }
  root.append(header);

  const c = state.counts;
  const summary = el(
    'p',
    'summary',
    `${state.phase} · ${c.done} built, ${c.running} running, ${c.planned} planned${c.failed > 0 ? `, ${c.failed} failed` : ''} · ${duration(state.elapsedMs)}` +
      (state.etaMs === undefined ? '' : ` · about ${duration(state.etaMs)} left`),
  );
  root.append(summary);

  if (state.transfers.length > 0) {
    const list = el('ul', 'transfers');
    for (const t of state.transfers) {
      list.append(el('li', undefined, `${t.kind} ${t.what} ${bytes(t.doneBytes)}${t.expectedBytes > 0 ? ` / ${bytes(t.expectedBytes)}` : ''}`));
    }
    root.append(list);
  }

  if (state.failure !== undefined) {
    const failure = el('section', 'failure');
    failure.append(el('h3', undefined, state.failure.message));
    if (state.failure.logTail.length > 0) failure.append(el('pre', 'log-tail', state.failure.logTail.join('\n')));
    const drvPath = state.failure.drvPath;
    if (drvPath !== undefined) {
      const open = button('Open Full Log', 'primary');
      open.addEventListener('click', () => vscode.postMessage({ type: 'openLog', drvPath }));
      failure.append(open);
    }
    root.append(failure);
  }

  if (state.result !== undefined) {
    const result = el('section', 'result');
    result.append(el('h3', undefined, state.result.closureBytes === undefined ? 'Built' : `Built · closure ${bytes(state.result.closureBytes)}`));
    for (const path of [...state.result.paths, ...(state.result.sdImage === undefined ? [] : [state.result.sdImage])]) {
      const row = el('div', 'path-row');
      const copy = button('Copy');
      copy.addEventListener('click', () => vscode.postMessage({ type: 'copyPath', path }));
      const reveal = button('Reveal');
      reveal.addEventListener('click', () => vscode.postMessage({ type: 'reveal', path }));
      row.append(el('code', undefined, path), copy, reveal);
      result.append(row);
    }
    root.append(result);
  }

  if (state.errors.length > 0) {
    const errors = el('section', 'errors');
    for (const e of state.errors) errors.append(el('pre', 'error', e));
    root.append(errors);
  }

  const tree = el('ul', 'tree');
  for (const node of state.tree) tree.append(renderNode(node));
  root.append(tree);
}

function isState(value: unknown): value is BuildViewState {
  return typeof value === 'object' && value !== null && 'title' in value && 'tree' in value;
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'state':
      vscode.setState(message.state);
      render(message.state);
      break;
    default: {
      const unexpected: never = message.type;
      void unexpected;
    }
  }
});

const saved = vscode.getState();
if (isState(saved)) render(saved);
vscode.postMessage({ type: 'ready' });
