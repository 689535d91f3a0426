/**
 * The custom messages between the extension's client and this server; the only server file the
 * client imports. Each says who sends it and why.
 */

/** Section of `workspace/configuration` the server asks for, per document. */
export const LINT_SETTINGS_SECTION = 'nixosDevices.lint';

/** Commands the server's code lenses run; the client registers them. */
export const LENS_COMMANDS = {
  build: 'nixosDevices.build',
  flash: 'nixosDevices.flash',
  deploy: 'nixosDevices.deploy',
} as const;

/**
 * Server → client request: the package names of a flake input for a system
 * (`inputs.<input>.packages.<system>` of the flake in `flakeDir`), for foreign-arch-package's fix
 * pointing at the input's cross variant. The client answers by asking Nix (only where it may run
 * the flake's code); null when it cannot or the flake has no such input. The server sends it only
 * to a client that set `inputPackages: true` in its initializationOptions: other editors never
 * see an unknown request.
 */
export const INPUT_PACKAGES_REQUEST = 'nixosDevices/inputPackages';

export interface InputPackagesParams {
  readonly flakeDir: string;
  readonly input: string;
  readonly system: string;
}

export type InputPackagesResult = readonly string[] | null;
