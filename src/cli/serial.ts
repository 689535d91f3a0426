/**
 * `nixos-devices serial PORT [--baud N] [--frame 8N1] [--line-ending cr|lf|crlf] [--via DEVICE]
 * [--log FILE] [--log-timestamps] [--timestamps] [--hex]`: a raw serial terminal, like picocom. On a terminal, stdin
 * goes raw (every key, Ctrl-C included, goes to the port; Enter sends the line ending) and Ctrl-]
 * quits; with stdin on a pipe, its bytes are sent unchanged and its end quits. Received bytes go
 * to stdout unchanged (through the display transform with --timestamps or --hex). `--via` opens
 * PORT on a deploy node of the flake in the current folder, over SSH. Unplug and replug: the
 * command waits and re-attaches, saying so on stderr. The log holds exactly the bytes received,
 * unless --log-timestamps stamps its lines (and its header says so).
 */
import { DevicesError } from '../core/errors';
import { DisplayTransform, normaliseSerialOptions, parseSerialFrame, SerialSession, describeState, type SerialEndpoint, type SerialOptions } from '../core/serial';
import type { SshConnection } from '../core/remote';
import { parseArgs } from './args';
import { stderrLogger, withNodeConnection } from './deploy';
import type { CliCommand, CliIo } from './main';

/** Ctrl-], as telnet and picocom's "escape to quit". */
const QUIT_BYTE = 0x1d;

function optionsFromFlags(flag: (name: string) => string | undefined, has: (name: string) => boolean): SerialOptions {
  let options = normaliseSerialOptions({});
  const frame = flag('frame');
  if (frame !== undefined) options = parseSerialFrame(frame, options);
  const baud = flag('baud');
  if (baud !== undefined) {
    if (!/^\d+$/.test(baud) || Number(baud) <= 0) throw new DevicesError('INVALID_ARGUMENT', `serial: --baud ${JSON.stringify(baud)} is not a positive whole number, e.g. --baud 115200.`);
    options = { ...options, baudRate: Number(baud) };
  }
  const ending = flag('line-ending');
  if (ending !== undefined) {
    if (ending !== 'cr' && ending !== 'lf' && ending !== 'crlf') throw new DevicesError('INVALID_ARGUMENT', 'serial: --line-ending is cr, lf or crlf.');
    options = { ...options, lineEnding: ending };
  }
  return { ...options, timestamps: has('timestamps'), hexView: has('hex') };
}

async function runTerminal(io: CliIo, session: SerialSession, signal: AbortSignal): Promise<number> {
  const stdin = io.stdin ?? process.stdin;
  const isTty = stdin.isTTY === true && 'setRawMode' in stdin && typeof stdin.setRawMode === 'function';
  const transformed = session.serialOptions.timestamps || session.serialOptions.hexView;
  const display = new DisplayTransform(session.serialOptions);
  const output = session.onData((chunk) => {
    io.stdout.write(transformed ? display.push(chunk) : chunk);
  });
  const events = session.onEvent((event) => {
    if (event.kind === 'error') io.stderr.write(`\r\nnixos-devices: ${event.error.message}\r\n`);
    else if (event.state.kind === 'waiting' || event.state.kind === 'reattached') io.stderr.write(`\r\nnixos-devices: ${describeState(event.state)}\r\n`);
  });
  io.stderr.write(`nixos-devices: connected to ${session.title}. ${isTty ? 'Press Ctrl-] to quit.' : 'Quits at the end of stdin.'}\n`);
  if (isTty) (stdin as NodeJS.ReadStream).setRawMode(true);
  let sending: Promise<void> = Promise.resolve();
  try {
    await new Promise<void>((resolve) => {
      const finish = (): void => {
        stdin.removeListener('data', onData);
        stdin.removeListener('end', finish);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const onData = (chunk: Buffer | string): void => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        const quitAt = isTty ? bytes.indexOf(QUIT_BYTE) : -1;
        const toSend = quitAt === -1 ? bytes : bytes.subarray(0, quitAt);
        if (toSend.length > 0) {
          // Keys while the port is unplugged are dropped, with the reason on stderr.
          const write = (): Promise<void> => (isTty ? session.sendKeys(toSend.toString('utf-8')) : session.write(toSend));
          sending = sending.then(write).catch((error: unknown) => {
            io.stderr.write(`\r\nnixos-devices: ${error instanceof Error ? error.message : String(error)}\r\n`);
          });
        }
        if (quitAt !== -1) finish();
      };
      stdin.on('data', onData);
      stdin.once('end', finish);
      signal.addEventListener('abort', finish, { once: true });
      stdin.resume();
    });
    await sending;
  } finally {
    if (isTty) (stdin as NodeJS.ReadStream).setRawMode(false);
    stdin.pause();
    output.dispose();
    events.dispose();
    await session.close();
  }
  if (isTty) io.stderr.write('\nnixos-devices: disconnected.\n');
  return signal.aborted ? 130 : 0;
}

export const serialCommand: CliCommand = async (args, io, signal) => {
  const parsed = parseArgs(args, { booleans: ['verbose', 'timestamps', 'hex', 'log-timestamps'], values: ['baud', 'frame', 'line-ending', 'via', 'log'] }, 'serial');
  const flag = (name: string): string | undefined => {
    const value = parsed.flags.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const path = parsed.positional[0];
  if (path === undefined || parsed.positional.length > 1) throw new DevicesError('INVALID_ARGUMENT', 'serial: name one port, e.g. `nixos-devices serial /dev/ttyUSB0 --baud 115200`.');
  const serial = optionsFromFlags(flag, (name) => parsed.flags.has(name));
  const verbose = parsed.flags.has('verbose');
  const logPath = flag('log');
  const open = async (endpoint: SerialEndpoint): Promise<number> => {
    const session = new SerialSession(endpoint, { serial, logger: stderrLogger(io, verbose), name: 'another nixos-devices serial', ...(logPath === undefined ? {} : { log: { path: logPath, timestamps: parsed.flags.has('log-timestamps') } }) });
    await session.open();
    return runTerminal(io, session, signal);
  };
  const via = flag('via');
  if (via === undefined) return open({ kind: 'local', path });
  return withNodeConnection(io, via, { verbose, signal }, (node, connection: SshConnection) => open({ kind: 'remote', path, deviceName: node.name, connection: () => Promise.resolve(connection) }));
};
