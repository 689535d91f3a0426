/**
 * The deploy diff's front-end: the packages the new system adds, removes and changes, biggest
 * first, with a filter, and the Deploy / Cancel buttons. Data goes in through textContent only,
 * never innerHTML, so a package name cannot inject markup.
 */
import { el, vscodeApi } from '../webview-api';
import { badge, button, registerToolkit } from '../toolkit';
import type { DeployDiffState, DiffRow, FromWebview, ToWebview } from './protocol';

const vscode = vscodeApi<FromWebview>();
registerToolkit();

function size(bytes: number, signed = false): string {
  const sign = signed && bytes > 0 ? '+' : bytes < 0 ? '−' : '';
  const abs = Math.abs(bytes);
  const text = abs >= 1 << 30 ? `${(abs / (1 << 30)).toFixed(2)} GiB` : abs >= 1 << 20 ? `${(abs / (1 << 20)).toFixed(1)} MiB` : `${(abs / 1024).toFixed(0)} KiB`;
  return `${sign}${text}`;
}

const MARK: Record<DiffRow['kind'], string> = { changed: '~', added: '+', removed: '−' };

function versions(list: readonly string[]): string {
  return list.map((v) => (v === '' ? '(no version)' : v)).join(', ');
}

let filter = '';

function renderRows(rows: readonly DiffRow[]): HTMLElement {
  const table = el('table', 'diff');
  const head = el('tr');
  for (const title of ['', 'Package', 'Before', 'After', 'Size']) head.append(el('th', undefined, title));
  table.append(head);
  const shown = rows.filter((r) => filter === '' || r.name.toLowerCase().includes(filter));
  for (const row of shown) {
    const tr = el('tr', row.kind);
    tr.append(el('td', 'mark', MARK[row.kind]), el('td', 'name', row.name), el('td', 'version', versions(row.before)), el('td', 'version', versions(row.after)), el('td', 'size', size(row.sizeDelta, true)));
    table.append(tr);
  }
  if (shown.length === 0) {
    const tr = el('tr');
    const td = el('td', 'empty', rows.length === 0 ? 'No package changes: only rebuilt paths differ.' : 'No package matches the filter.');
    td.colSpan = 5;
    tr.append(td);
    table.append(tr);
  }
  return table;
}

function render(state: DeployDiffState): void {
  vscode.setState(state);
  const root = document.getElementById('root');
  if (root === null) return;
  root.replaceChildren();
  const header = el('header');
  header.append(el('h2', undefined, `Deploy ${state.node}`), badge(state.host));
  root.append(header, el('p', 'system', state.system));
  if (state.diff === undefined) {
    root.append(el('p', 'summary', 'The device has no current system to compare with: everything in the new system is new.'));
  } else {
    const d = state.diff;
    root.append(el('p', 'summary', `${d.summary} · ${size(d.sizeBefore)} → ${size(d.sizeAfter)} · ${d.pathsAdded} store paths to add, ${d.pathsRemoved} no longer used`));
    const search = el('input', 'filter');
    search.type = 'search';
    search.placeholder = 'Filter packages';
    search.value = filter;
    const table = el('div', 'rows');
    table.append(renderRows(d.rows));
    search.addEventListener('input', () => {
      filter = search.value.trim().toLowerCase();
      table.replaceChildren(renderRows(d.rows));
    });
    root.append(search, table);
  }
  const actions = el('div', 'actions');
  if (state.decision === undefined) {
    const deploy = button('Deploy', 'primary');
    deploy.id = 'deploy';
    deploy.addEventListener('click', () => vscode.postMessage({ type: 'deploy' }));
    const cancel = button('Cancel');
    cancel.id = 'cancel';
    cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
    actions.append(deploy, cancel);
  } else {
    actions.append(el('p', 'decision', state.decision === 'deploy' ? 'Deploying: progress and the outcome are in the notification.' : 'Cancelled: nothing was copied or activated.'));
  }
  root.append(actions);
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  if (event.data.type === 'state') render(event.data.state);
});
const saved = vscode.getState() as DeployDiffState | undefined;
if (saved !== undefined) render(saved);
vscode.postMessage({ type: 'ready' });
