// The layering rule, enforced where it cannot be skipped: at bundle time. Only src/ui/,
// src/extension.ts and the in-VS-Code tests may import `vscode`; libraries made for the editor
// (vscode-languageclient) may too. Everything else is plain Node so the CLI, the language server
// and the tests can use it without an editor.
import { relative, sep } from 'node:path';

export function vscodeOnlyInUi(root) {
  return {
    name: 'vscode-only-in-ui',
    setup(build) {
      build.onResolve({ filter: /^vscode$/ }, (args) => {
        const from = relative(root, args.importer).split(sep).join('/');
        const fromLibrary = args.importer.split(sep).includes('node_modules');
        const allowed = fromLibrary || from === 'src/extension.ts' || from.startsWith('src/ui/') || from.startsWith('test/e2e/');
        if (!allowed) {
          return {
            errors: [
              {
                text: `${from} imports "vscode": only src/ui/ and src/extension.ts may. Move the vscode-specific part to src/ui/ and pass plain values into core.`,
              },
            ],
          };
        }
        return { path: 'vscode', external: true };
      });
    },
  };
}
