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
