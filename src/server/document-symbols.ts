/** The outline of a flake.nix: description, inputs, and the outputs tree. */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { flakeOutline, type OutlineNode } from '../core/flake-outline';
import type { Analysis } from './analysis';
import { rangeOf } from './convert';

const KIND_BY_OUTPUT: Record<string, SymbolKind> = {
  nixosConfigurations: SymbolKind.Class,
  packages: SymbolKind.Package,
  images: SymbolKind.File,
  deploy: SymbolKind.Event,
  nixosModules: SymbolKind.Module,
  overlays: SymbolKind.Function,
  apps: SymbolKind.Method,
  devShells: SymbolKind.Interface,
  checks: SymbolKind.Boolean,
};

function toSymbol(document: TextDocument, node: OutlineNode, kind: SymbolKind): DocumentSymbol {
  return {
    name: node.name,
    kind,
    range: rangeOf(document, node.start, node.end),
    selectionRange: rangeOf(document, node.nameStart, node.nameEnd),
    children: node.children.map((child) => toSymbol(document, child, kind === SymbolKind.Module ? SymbolKind.Property : kind)),
  };
}

export function documentSymbols(document: TextDocument, analysis: Analysis): DocumentSymbol[] {
  const outline = flakeOutline(analysis.parse.root, analysis.parse.text);
  const symbols: DocumentSymbol[] = [];
  if (outline.inputs.length > 0) {
    const first = outline.inputs[0];
    const last = outline.inputs.at(-1);
    if (first !== undefined && last !== undefined) {
      symbols.push({
        name: 'inputs',
        kind: SymbolKind.Namespace,
        range: rangeOf(document, first.start, last.end),
        selectionRange: rangeOf(document, first.nameStart, first.nameEnd),
        children: outline.inputs.map((i) => ({ ...toSymbol(document, i, SymbolKind.Variable), children: [] })),
      });
    }
  }
  for (const output of outline.outputs) symbols.push(toSymbol(document, output, KIND_BY_OUTPUT[output.name] ?? SymbolKind.Object));
  return symbols;
}
