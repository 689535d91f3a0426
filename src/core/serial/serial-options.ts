/**
 * Serial line settings as typed values: what the port is set to (baud, frame, flow control) and
 * how the session treats the bytes (line ending on Enter, local echo, timestamps, hex view).
 * `normaliseSerialOptions` turns any raw value (a hand-edited settings.json) into valid options,
 * keeping each good field and defaulting each bad one, so a typo never stops a console opening.
 * `parseSerialFrame` reads the "115200 8N1" shorthand that picocom, minicom and datasheets use.
 */
import { DevicesError } from '../errors';

export type DataBits = 5 | 6 | 7 | 8;
export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';
export type StopBits = 1 | 1.5 | 2;
export type FlowControl = 'none' | 'rtscts' | 'xonxoff';
/** What Enter sends: CR (u-boot, most consoles), LF, or CR LF. */
export type LineEnding = 'cr' | 'lf' | 'crlf';

export interface SerialOptions {
  /** Any positive integer; the driver decides whether the UART can do it. */
  readonly baudRate: number;
  readonly dataBits: DataBits;
  readonly parity: Parity;
  readonly stopBits: StopBits;
  readonly flowControl: FlowControl;
  readonly lineEnding: LineEnding;
  readonly localEcho: boolean;
  /** Prefix each received line with the time its first byte arrived (display and optional log). */
  readonly timestamps: boolean;
  /** Show received bytes as hex instead of text. */
  readonly hexView: boolean;
}

export const DEFAULT_SERIAL_OPTIONS: SerialOptions = {
  baudRate: 115200,
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  flowControl: 'none',
  lineEnding: 'cr',
  localEcho: false,
  timestamps: false,
  hexView: false,
};

/** The rates offered in pickers; any other positive integer is accepted too. */
export const BAUD_RATE_PRESETS: readonly number[] = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1500000];

/** Linux's termios2 (BOTHER) speed field is 32 bits; nothing real goes past a few Mbaud. */
const MAX_BAUD_RATE = 100_000_000;

const DATA_BITS: readonly DataBits[] = [5, 6, 7, 8];
const PARITIES: readonly Parity[] = ['none', 'even', 'odd', 'mark', 'space'];
const STOP_BITS: readonly StopBits[] = [1, 1.5, 2];
const FLOW_CONTROLS: readonly FlowControl[] = ['none', 'rtscts', 'xonxoff'];
const LINE_ENDINGS: readonly LineEnding[] = ['cr', 'lf', 'crlf'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T>(allowed: readonly T[], value: unknown, fallback: T): T {
  return allowed.find((a) => a === value) ?? fallback;
}

function normaliseBaud(value: unknown, fallback: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= MAX_BAUD_RATE ? n : fallback;
}

/** Any raw value to valid options: bad or missing fields take `base`'s (default: 115200 8N1). */
export function normaliseSerialOptions(raw: unknown, base: SerialOptions = DEFAULT_SERIAL_OPTIONS): SerialOptions {
  if (!isRecord(raw)) return base;
  const bool = (key: string, fallback: boolean): boolean => (typeof raw[key] === 'boolean' ? raw[key] : fallback);
  // Settings often spell parity and flow control in capitals or as picocom does ("n", "hard").
  const lower = (key: string): unknown => (typeof raw[key] === 'string' ? raw[key].trim().toLowerCase() : raw[key]);
  const parityAliases: Record<string, Parity> = { n: 'none', e: 'even', o: 'odd', m: 'mark', s: 'space' };
  const flowAliases: Record<string, FlowControl> = { hard: 'rtscts', hardware: 'rtscts', soft: 'xonxoff', software: 'xonxoff' };
  const parity = lower('parity');
  const flow = lower('flowControl');
  return {
    baudRate: normaliseBaud(raw['baudRate'], base.baudRate),
    dataBits: oneOf(DATA_BITS, raw['dataBits'], base.dataBits),
    parity: oneOf(PARITIES, typeof parity === 'string' ? (parityAliases[parity] ?? parity) : parity, base.parity),
    stopBits: oneOf(STOP_BITS, raw['stopBits'], base.stopBits),
    flowControl: oneOf(FLOW_CONTROLS, typeof flow === 'string' ? (flowAliases[flow] ?? flow) : flow, base.flowControl),
    lineEnding: oneOf(LINE_ENDINGS, lower('lineEnding'), base.lineEnding),
    localEcho: bool('localEcho', base.localEcho),
    timestamps: bool('timestamps', base.timestamps),
    hexView: bool('hexView', base.hexView),
  };
}

const FRAME_PATTERN = /^(?:(\d+)(?:[\s,/:-]+|$))?(?:([5-8])([NEOMS])(1\.5|1|2))?$/i;

/**
 * Reads "115200 8N1", "9600", "8E2", "115200,8O1.5" into the line fields it names; the rest
 * come from `base`. Throws INVALID_ARGUMENT naming the text and the expected form.
 */
export function parseSerialFrame(text: string, base: SerialOptions = DEFAULT_SERIAL_OPTIONS): SerialOptions {
  const match = FRAME_PATTERN.exec(text.trim());
  const [, baud, bits, parity, stop] = match ?? [];
  if (match === null || (baud === undefined && bits === undefined)) {
    throw new DevicesError('INVALID_ARGUMENT', `Cannot read serial settings ${JSON.stringify(text)}: write them as BAUD and/or BITS PARITY STOP, e.g. "115200 8N1" or "9600 7E1".`);
  }
  const baudRate = baud === undefined ? base.baudRate : normaliseBaud(Number(baud), -1);
  if (baudRate === -1) throw new DevicesError('INVALID_ARGUMENT', `Baud rate ${baud ?? ''} in ${JSON.stringify(text)} is not a positive whole number.`);
  if (bits === undefined || parity === undefined || stop === undefined) return { ...base, baudRate };
  const parityByLetter: Record<string, Parity> = { N: 'none', E: 'even', O: 'odd', M: 'mark', S: 'space' };
  return {
    ...base,
    baudRate,
    dataBits: oneOf(DATA_BITS, Number(bits), base.dataBits),
    parity: parityByLetter[parity.toUpperCase()] ?? base.parity,
    stopBits: oneOf(STOP_BITS, Number(stop), base.stopBits),
  };
}

/** "115200 8N1" (plus flow control when set), for status bars and log headers. */
export function formatSerialFrame(options: SerialOptions): string {
  const parity = { none: 'N', even: 'E', odd: 'O', mark: 'M', space: 'S' }[options.parity];
  const flow = options.flowControl === 'none' ? '' : ` ${options.flowControl === 'rtscts' ? 'RTS/CTS' : 'XON/XOFF'}`;
  return `${String(options.baudRate)} ${String(options.dataBits)}${parity}${String(options.stopBits)}${flow}`;
}

/** The bytes Enter sends. */
export function lineEndingBytes(ending: LineEnding): string {
  return ending === 'cr' ? '\r' : ending === 'lf' ? '\n' : '\r\n';
}
