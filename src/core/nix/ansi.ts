/** Removes ANSI escape sequences (colours, cursor moves): Nix's `msg` always carries them. */
// CSI sequences, OSC sequences ending in BEL or ST, and two-character escapes.
// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}
