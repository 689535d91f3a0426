/**
 * Common humility subcommands for the UI's quick pick, with the options their documentation
 * shows. Sources: humility's README (oxidecomputer/humility, "Commands": `probe`, `tasks` with
 * -v/-r/-s/-l, `manifest`, `map`, `readvar`, `ringbuf`, `dump`) and the module docs of
 * cmd/flash (`-R`/`--retain-temporaries`, `-n` dry run), cmd/readvar (`-l` lists variables),
 * cmd/counters and cmd/reset. `humility doc SUBCOMMAND` prints the full text for any of them.
 */

export interface HumilityOption {
  readonly flag: string;
  readonly description: string;
  /** The option takes a value (shown as its placeholder). */
  readonly value?: string;
}

export interface HumilitySubcommand {
  readonly name: string;
  readonly description: string;
  /** Whether it needs an archive (HUMILITY_ARCHIVE) or dump. */
  readonly needsArchive: boolean;
  /** Whether it attaches to the target through the probe. */
  readonly needsProbe: boolean;
  readonly options: readonly HumilityOption[];
  /** Positional argument, when it takes one ("TASK", "VARIABLE"). */
  readonly argument?: string;
}

export const HUMILITY_SUBCOMMANDS: readonly HumilitySubcommand[] = [
  { name: 'probe', description: 'Probe attached devices: probe, serial, core, chip, registers', needsArchive: false, needsProbe: true, options: [] },
  {
    name: 'tasks',
    description: 'List Hubris tasks (ps-like view)',
    needsArchive: true,
    needsProbe: true,
    argument: 'TASK',
    options: [
      { flag: '-v', description: 'every field of each task' },
      { flag: '-r', description: "each task's registers" },
      { flag: '-s', description: "each task's stack backtrace" },
      { flag: '-l', description: 'line numbers in backtraces (with -s)' },
    ],
  },
  { name: 'ringbuf', description: 'Read and display ring buffers', needsArchive: true, needsProbe: true, argument: 'NAME', options: [] },
  { name: 'manifest', description: 'Print the archive manifest (no target needed)', needsArchive: true, needsProbe: false, options: [] },
  { name: 'map', description: 'Memory map, with regions associated to tasks', needsArchive: true, needsProbe: true, options: [] },
  {
    name: 'readvar',
    description: 'Read and display a Hubris variable',
    needsArchive: true,
    needsProbe: true,
    argument: 'VARIABLE',
    options: [{ flag: '-l', description: 'list the variables that can be read' }],
  },
  { name: 'counters', description: 'Display event counters', needsArchive: true, needsProbe: true, argument: 'NAME', options: [] },
  { name: 'dump', description: 'Write a Hubris dump (an ELF core file)', needsArchive: true, needsProbe: true, argument: 'FILE', options: [] },
  { name: 'reset', description: 'Reset the target', needsArchive: false, needsProbe: true, options: [] },
  {
    name: 'flash',
    description: "Flash the target with the archive's image",
    needsArchive: true,
    needsProbe: true,
    options: [
      { flag: '-R', description: 'retain the temporary files of the flash tool' },
      { flag: '-n', description: 'dry run: print what would be done' },
    ],
  },
];

export function findSubcommand(name: string): HumilitySubcommand | undefined {
  return HUMILITY_SUBCOMMANDS.find((command) => command.name === name);
}
