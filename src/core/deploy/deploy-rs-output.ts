/**
 * The real deploy-rs's output, read into our phases and outcome. Its log lines look like
 * `🚀 ℹ️ [deploy] [INFO] Activating profile `system` for node `vulpix`` (terminal) or
 * `INFO [deploy] …` (its log file); `[activate]` lines come from the board, `[wait]` from the
 * activation waiter. The outcome follows what the board did, not deploy-rs's exit status: it has
 * exited 0 after "Deployment confirmed." while the board's own confirmation wait then timed out
 * and rolled back (serokell/deploy-rs#214), so a timeout or a de-activation seen anywhere means
 * rolled-back. Lines that are not deploy-rs's (switch-to-configuration's own output) are kept
 * as log text and only scanned for nix-env's "switching from generation A to B".
 */
import type { DeployOutcome, RollbackReason } from './deploy-outcome';

export type DeployRsSource = 'deploy' | 'activate' | 'wait';
export type DeployRsLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export type DeployRsLine =
  | { readonly kind: 'log'; readonly source: DeployRsSource; readonly level: DeployRsLevel; readonly message: string }
  | { readonly kind: 'text'; readonly text: string };

const TERMINAL_LINE = /\[(deploy|activate|wait)(?:::[\w:]+)?\]\s+\[(DEBUG|INFO|WARN|ERROR)\]\s?(.*)$/;
const FILE_LINE = /^(DEBUG|INFO|WARN|ERROR)\s+\[(deploy|activate|wait)(?:::[\w:]+)?\]\s?(.*)$/;

export function parseDeployRsLine(line: string): DeployRsLine {
  const terminal = TERMINAL_LINE.exec(line);
  if (terminal !== null) return { kind: 'log', source: terminal[1] as DeployRsSource, level: terminal[2] as DeployRsLevel, message: terminal[3] ?? '' };
  const file = FILE_LINE.exec(line);
  if (file !== null) return { kind: 'log', source: file[2] as DeployRsSource, level: file[1] as DeployRsLevel, message: file[3] ?? '' };
  return { kind: 'text', text: line };
}

export type DeployRsPhase = 'building' | 'copying' | 'activating' | 'confirming' | 'rolling-back';

/** Feeds lines in order; `phase` tells the progress, `outcome(exitCode)` the end. */
export class DeployRsOutputParser {
  private phaseNow: DeployRsPhase | undefined;
  private activationStarted = false;
  private confirmed = false;
  private timedOut = false;
  private activationFailed = false;
  private rolledBack = false;
  private restored: number | undefined;
  private lastError: string | undefined;

  get phase(): DeployRsPhase | undefined {
    return this.phaseNow;
  }

  /** Returns the phase when this line changed it. */
  push(line: string): DeployRsPhase | undefined {
    const parsed = parseDeployRsLine(line.replace(/\r$/, ''));
    const before = this.phaseNow;
    if (parsed.kind === 'text') {
      const switched = /switching from generation (\d+) to (\d+)/.exec(parsed.text);
      if (switched !== null && this.timedOutOrFailing()) this.restored = Number(switched[2]);
      return undefined;
    }
    const message = parsed.message;
    if (parsed.level === 'ERROR') this.lastError = message;
    if (/^Building profile/.test(message)) this.phaseNow = 'building';
    else if (/^Copying profile/.test(message)) this.phaseNow = 'copying';
    else if (/^Activating profile/.test(message)) {
      this.phaseNow = 'activating';
      this.activationStarted = true;
    } else if (/attempting to confirm activation/.test(message)) this.phaseNow = 'confirming';
    if (/^Deployment confirmed/.test(message)) this.confirmed = true;
    if (/Timeout elapsed for confirmation|Error waiting for confi/.test(message) && parsed.source !== 'wait') this.timedOut = true;
    if (/activation script resulted in a bad exit code/.test(message)) this.activationFailed = true;
    if (/De-activating due to error|Removing generation by ID|re-activate the last generation|rolled back to previous generation/.test(message)) {
      this.rolledBack = true;
      this.phaseNow = 'rolling-back';
    }
    return this.phaseNow === before ? undefined : this.phaseNow;
  }

  private timedOutOrFailing(): boolean {
    return this.timedOut || this.activationFailed || this.rolledBack;
  }

  /** The outcome, given deploy-rs's exit status (null when it was killed). */
  outcome(exitCode: number | null): DeployOutcome {
    const restored = this.restored === undefined ? {} : { restoredGeneration: this.restored };
    if (this.timedOut || this.rolledBack) {
      const reason: RollbackReason = this.timedOut ? 'timeout' : this.activationFailed ? 'activation-failed' : 'unknown';
      return { kind: 'rolled-back', reason, ...restored, ...(this.lastError === undefined ? {} : { detail: this.lastError }) };
    }
    if (exitCode === 0 && this.confirmed) return { kind: 'confirmed', systemPath: '' };
    if (exitCode === 0 && !this.activationStarted) return { kind: 'unknown', message: 'deploy-rs exited without activating anything.' };
    if (!this.activationStarted) return { kind: 'failed-before-activation', message: `deploy-rs failed before activation: ${this.lastError ?? `exit status ${String(exitCode)}`}` };
    return {
      kind: 'unknown',
      message: `deploy-rs failed after the activation started (${this.lastError ?? `exit status ${String(exitCode)}`}); what the board did is not in its output — look at the device's generations.`,
    };
  }
}

/** Parses a whole transcript. */
export function parseDeployRsOutput(text: string, exitCode: number | null): { readonly outcome: DeployOutcome; readonly phases: readonly DeployRsPhase[] } {
  const parser = new DeployRsOutputParser();
  const phases: DeployRsPhase[] = [];
  for (const line of text.split('\n')) {
    const phase = parser.push(line);
    if (phase !== undefined) phases.push(phase);
  }
  return { outcome: parser.outcome(exitCode), phases };
}
