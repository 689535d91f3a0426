/**
 * Which processes hold a USB device open (`/dev/bus/usb/BBB/DDD`), to say who has the probe when
 * humility reports "USB link in use". One sh script scans /proc/PID/fd links, here or on a board
 * (a process of another user is only visible to root; the list may then be empty).
 */
import { run } from '../exec';
import type { SshConnection } from '../remote';

export interface UsbHolder {
  readonly pid: number;
  /** The command line, arguments joined by spaces. */
  readonly command: string;
}

/** `sh -c SCRIPT sh PATH [PROC_ROOT]`: prints `PID<TAB>CMDLINE` for each holder. */
export const USB_HOLDERS_SCRIPT = `
want=$1; proc=\${2:-/proc}
for p in "$proc"/[0-9]*; do
  for f in "$p"/fd/*; do
    if [ "$(readlink "$f" 2>/dev/null)" = "$want" ]; then
      printf '%s\\t%s\\n' "\${p##*/}" "$(tr '\\0' ' ' < "$p/cmdline" 2>/dev/null)"
      break
    fi
  done
done
exit 0
`;

/** The usbfs node of a device, as libusb opens it. */
export function usbDevicePath(busNum: number, devNum: number): string {
  return `/dev/bus/usb/${String(busNum).padStart(3, '0')}/${String(devNum).padStart(3, '0')}`;
}

export function parseUsbHolders(text: string): UsbHolder[] {
  const holders: UsbHolder[] = [];
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const pid = Number(line.slice(0, tab));
    if (Number.isInteger(pid)) holders.push({ pid, command: line.slice(tab + 1).trim() });
  }
  return holders;
}

export async function findUsbHolders(devicePath: string, options: { readonly connection?: SshConnection; readonly procRoot?: string; readonly signal?: AbortSignal } = {}): Promise<UsbHolder[]> {
  const argv = ['sh', '-c', USB_HOLDERS_SCRIPT, 'sh', devicePath, options.procRoot ?? '/proc'];
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const stdout = options.connection === undefined ? (await run(argv, { parseable: true, ...signal })).stdout : (await options.connection.exec(argv, signal)).stdout;
  return parseUsbHolders(stdout);
}
