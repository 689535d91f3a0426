/**
 * Renders any core Job in VS Code: a progress notification with a cancel button whose text
 * follows the Job's phase and progress, and every log line in the log channel.
 */
import * as vscode from 'vscode';
import type { Job, JobProgress } from '../core/jobs';

function describeProgress(progress: JobProgress): string {
  const total = progress.total === undefined ? '' : ` / ${formatAmount(progress.total, progress.unit)}${progress.estimated === true ? ' (estimated)' : ''}`;
  const amount = `${formatAmount(progress.done, progress.unit)}${total}`;
  return progress.message === undefined ? amount : `${amount} · ${progress.message}`;
}

function formatAmount(value: number, unit: JobProgress['unit']): string {
  if (unit !== 'bytes') return `${value} ${unit}`;
  const mib = value / (1024 * 1024);
  return mib >= 1024 ? `${(mib / 1024).toFixed(2)} GiB` : `${mib.toFixed(1)} MiB`;
}

export function showJobProgress<R>(job: Job<R>, log: vscode.LogOutputChannel, location = vscode.ProgressLocation.Notification): Thenable<void> {
  return vscode.window.withProgress({ location, title: job.title, cancellable: true }, (progress, token) => {
    const cancel = token.onCancellationRequested(() => job.cancel());
    let lastFraction = 0;
    let phase = job.phase ?? '';
    const subscription = job.onEvent((event) => {
      switch (event.kind) {
        case 'phase':
          phase = event.phase;
          progress.report({ message: phase });
          break;
        case 'progress': {
          const p = event.progress;
          let increment: number | undefined;
          if (p.total !== undefined && p.total > 0) {
            const fraction = Math.min(1, p.done / p.total);
            increment = Math.max(0, (fraction - lastFraction) * 100);
            lastFraction = fraction;
          }
          progress.report({ message: `${phase ? `${phase}: ` : ''}${describeProgress(p)}`, ...(increment === undefined ? {} : { increment }) });
          break;
        }
        case 'log':
          if (event.level === 'error') log.error(event.line);
          else if (event.level === 'warn') log.warn(event.line);
          else if (event.level === 'debug') log.debug(event.line);
          else log.info(event.line);
          break;
        case 'child':
        case 'result':
          break;
      }
    });
    return job.done.then(() => {
      subscription.dispose();
      cancel.dispose();
    });
  });
}
