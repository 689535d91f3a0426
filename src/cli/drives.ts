/**
 * `nixos-devices drives [--json] [--allow-non-removable]`: the drives of this computer and
 * whether an image may be written to each, with the policy's reason when not.
 */
import { assessDrive, describeDrive, listDrives, type DriveAssessment } from '../core/flash';
import { parseArgs } from './args';
import type { CliCommand } from './main';

export function formatDriveLine(a: DriveAssessment): string {
  const verdict = a.allowed ? (a.needsSecondConfirmation ? 'ok (large: asks twice)' : 'ok') : `refused: ${a.problems.map((p) => p.message).join(' ')}`;
  const mounted = a.mounted.length > 0 ? ` [mounted: ${a.mounted.join(', ')}]` : '';
  return `${describeDrive(a.drive)}${mounted}  ${verdict}`;
}

export const drivesCommand: CliCommand = async (args, io, signal) => {
  const parsed = parseArgs(args, { booleans: ['json', 'allow-non-removable'] }, 'drives');
  const drives = await listDrives({ signal });
  const assessments = drives.map((d) => assessDrive(d, { allowNonRemovable: parsed.flags.has('allow-non-removable') }));
  if (parsed.flags.has('json')) {
    io.stdout.write(`${JSON.stringify(assessments, null, 2)}\n`);
    return 0;
  }
  if (assessments.length === 0) io.stdout.write('No drives found.\n');
  for (const a of assessments) io.stdout.write(`${formatDriveLine(a)}\n`);
  return 0;
};
