/**
 * SerialOptions as GNU stty (coreutils) arguments, for ports on a board where nothing beyond
 * coreutils can be assumed. What stty can do over SSH, and so what the remote console offers:
 * baud (any rate the board's stty accepts), cs5–cs8, parity including mark/space (cmspar), one or
 * two stop bits (1.5 is cstopb with cs5, as termios defines it), RTS/CTS or XON/XOFF flow control,
 * and a hang-up pulse (speed 0 drops DTR and RTS together, then the baud raises them). It cannot
 * set DTR or RTS alone, hold them, or send a break: those are local-only.
 */
import type { SerialOptions } from './serial-options';

export function sttyArgs(options: SerialOptions): string[] {
  const parity: Record<SerialOptions['parity'], string[]> = {
    none: ['-parenb', '-parodd', '-cmspar'],
    even: ['parenb', '-parodd', '-cmspar'],
    odd: ['parenb', 'parodd', '-cmspar'],
    mark: ['parenb', 'parodd', 'cmspar'],
    space: ['parenb', '-parodd', 'cmspar'],
  };
  const flow: Record<SerialOptions['flowControl'], string[]> = {
    none: ['-crtscts', '-ixon', '-ixoff'],
    rtscts: ['crtscts', '-ixon', '-ixoff'],
    xonxoff: ['-crtscts', 'ixon', 'ixoff'],
  };
  return [
    // raw first: it clears ixon/ixoff, so the flow-control words must come after it. raw: no
    // line editing or CR/NL mapping, so the bytes pass unchanged both ways; clocal: the open does
    // not wait for carrier detect; -hupcl: closing the console does not drop DTR (which resets
    // many boards).
    'raw',
    '-echo',
    'clocal',
    '-hupcl',
    String(options.baudRate),
    `cs${String(options.dataBits)}`,
    ...parity[options.parity],
    options.stopBits === 1 ? '-cstopb' : 'cstopb',
    ...flow[options.flowControl],
  ];
}
