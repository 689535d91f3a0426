/**
 * Completion where a flake for a board needs a name nobody remembers: pkgsCross platforms,
 * system doubles in strings, SD-card image modules and Raspberry Pi kernel packages. It reads
 * the line before the cursor only; anything else is left to other Nix language servers.
 */
import { CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { KNOWN_DOUBLES, PKGS_CROSS_PLATFORMS } from '../core/rules';
import { RPI_KERNEL_PACKAGES, SD_IMAGE_MODULES } from './completion-data';

const PKGS_CROSS = /pkgsCross\.([\w-]*)$/;
const SD_CARD = /installer\/sd-card\/([\w.-]*)$/;
const RPI_KERNEL = /(?:linuxKernel\.packages\.|linuxPackages_)(rpi\w*|linux_\w*|\w*)$/;
/** An open string on a line that assigns a system: `system = "`, `hostPlatform = "`, a list of
 * emulatedSystems, `eachSystem [ "` … */
const SYSTEM_STRING = /(?:system|System|Platform|emulatedSystems|eachSystem|systems)\b[^"]*(?:"[^"]*"[^"]*)*"([\w-]*)$/;

export function completions(document: TextDocument, position: Position): CompletionItem[] {
  const line = document.getText({ start: { line: position.line, character: 0 }, end: position });
  let match = PKGS_CROSS.exec(line);
  if (match !== null) {
    return Object.entries(PKGS_CROSS_PLATFORMS).map(([name, system]) => ({
      label: name,
      kind: CompletionItemKind.Module,
      detail: `builds here, runs on ${system}`,
      documentation: `pkgsCross.${name}: nixpkgs cross-compiled for ${system}, with this machine's native compilers (no emulation).`,
    }));
  }
  match = SD_CARD.exec(line);
  if (match !== null) return SD_IMAGE_MODULES.map((m) => ({ label: m.file, kind: CompletionItemKind.File, detail: m.detail }));
  match = RPI_KERNEL.exec(line);
  if (match !== null) {
    const aliases = line.endsWith('linuxPackages_') || /linuxPackages_\w*$/.test(line);
    return RPI_KERNEL_PACKAGES.map((k) => ({
      label: aliases ? k.name.replace('linux_', '') : k.name,
      kind: CompletionItemKind.Module,
      detail: k.detail,
    }));
  }
  match = SYSTEM_STRING.exec(line);
  if (match !== null) return KNOWN_DOUBLES.map((system) => ({ label: system, kind: CompletionItemKind.EnumMember, detail: 'Nix system' }));
  return [];
}
