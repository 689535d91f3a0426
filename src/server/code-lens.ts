/**
 * Code lenses over a flake.nix's buildable outputs ("Build ▸") and deploy nodes ("Deploy ▸").
 * They run the extension's commands, so only a client that says it has them gets lenses
 * (initializationOptions.lensCommands, sent by the extension's client).
 */
import { fileURLToPath } from 'node:url';
import { basename, dirname } from 'node:path';
import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { flakeOutline, PER_SYSTEM, type OutlineNode } from '../core/flake-outline';
import type { Analysis } from './analysis';
import { rangeOf } from './convert';
import { LENS_COMMANDS } from './protocol';

export interface LensTarget {
  readonly flakeDir: string;
  readonly attrPath: string;
}

type LensKind = keyof typeof LENS_COMMANDS;

function lensesFor(node: OutlineNode): { kind: LensKind; attrPath: string }[] {
  const [top, second, third] = node.path;
  const quoted = node.path.map((p) => (/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(p) ? p : JSON.stringify(p))).join('.');
  if (node.path.length === 2 && top === 'nixosConfigurations') return [{ kind: 'build', attrPath: `${quoted}.config.system.build.toplevel` }];
  if (node.path.length === 2 && top === 'images') return [{ kind: 'build', attrPath: quoted }];
  if (node.path.length === 3 && top === 'packages' && second !== PER_SYSTEM && third !== undefined) return [{ kind: 'build', attrPath: quoted }];
  if (node.path.length === 3 && top === 'deploy' && second === 'nodes') return [{ kind: 'deploy', attrPath: quoted }];
  return [];
}

const TITLES: Record<LensKind, string> = { build: 'Build ▸', flash: 'Flash ▸', deploy: 'Deploy ▸' };

export function codeLenses(document: TextDocument, analysis: Analysis, available: ReadonlySet<string>): CodeLens[] {
  if (!document.uri.startsWith('file:')) return [];
  const file = fileURLToPath(document.uri);
  if (basename(file) !== 'flake.nix') return [];
  const flakeDir = dirname(file);
  const lenses: CodeLens[] = [];
  const visit = (node: OutlineNode): void => {
    for (const lens of lensesFor(node)) {
      const command = LENS_COMMANDS[lens.kind];
      if (!available.has(command)) continue;
      const target: LensTarget = { flakeDir, attrPath: lens.attrPath };
      lenses.push({ range: rangeOf(document, node.nameStart, node.nameEnd), command: { title: TITLES[lens.kind], command, arguments: [target] } });
    }
    node.children.forEach(visit);
  };
  flakeOutline(analysis.parse.root, analysis.parse.text).outputs.forEach(visit);
  return lenses;
}
