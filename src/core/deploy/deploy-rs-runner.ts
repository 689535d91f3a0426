/**
 * Runs the real deploy-rs (`deploy`) for nodes the built-in engine does not handle (non-NixOS
 * profiles, or when the user's setting asks for it), streaming its log into a DeployReporter and
 * reading its outcome with DeployRsOutputParser: a rollback is rolled-back even when it exits 0.
 */
import { run } from '../exec';
import type { Logger } from '../log';
import type { DeployReporter } from './deploy-device';
import type { DeployOutcome } from './deploy-outcome';
import { DeployRsOutputParser } from './deploy-rs-output';

export interface DeployRsRunOptions {
  /** The deploy-rs program. Default `deploy`. */
  readonly program?: string;
  /** `.#node` or `.#node.profile`, passed as one argument. */
  readonly target: string;
  /** Extra flags, e.g. ['--boot'] or ['--confirm-timeout', '60']. */
  readonly args?: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
}

export async function runDeployRs(options: DeployRsRunOptions, reporter: DeployReporter): Promise<{ readonly outcome: DeployOutcome; readonly exitCode: number | null }> {
  const parser = new DeployRsOutputParser();
  const onLine = (line: string): void => {
    reporter.log(line, 'info', 'deploy-rs');
    const phase = parser.push(line);
    if (phase !== undefined) reporter.phase(phase);
  };
  const result = await run([options.program ?? 'deploy', ...(options.args ?? []), '--', options.target], {
    cwd: options.cwd,
    signal: reporter.signal,
    onStdoutLine: onLine,
    onStderrLine: onLine,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  return { outcome: parser.outcome(result.exitCode), exitCode: result.exitCode };
}
