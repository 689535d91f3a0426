/**
 * One POSIX sh script (coreutils only) that reads /dev/serial/by-id, the ttyUSB and ttyACM nodes
 * and the USB devices in sysfs, and prints tab-separated records; and the parser of those
 * records. The same script runs on a board over SSH and here (as the fallback when
 * SerialPort.list() fails, and always for the probes, which have no tty). Its roots are
 * arguments, so tests point it at a fixture tree.
 *
 * Records (one per line, fields separated by TAB; values have TAB, CR and LF removed):
 *   link  NAME  TARGET                  a /dev/serial/by-id entry and what it points to
 *   tty   NAME  USBDIR                  a tty node and the sysfs folder of its USB device
 *   usb   DIR  NAME  VID  PID  SERIAL  MANUFACTURER  PRODUCT  BUSNUM  DEVNUM
 * DIR is the resolved sysfs path (`readlink -f`): libusb orders devices by it (probe-order.ts).
 */

/** `sh -c SCRIPT sh DEV_ROOT SYS_ROOT`. */
export const PORT_SCAN_SCRIPT = `
dev=\${1:-/dev}; sys=\${2:-/sys}
attr() { if [ -r "$1/$2" ]; then tr -d '\\t\\r\\n' < "$1/$2" 2>/dev/null; fi; }
usbdir() {
  d=$(readlink -f "$1" 2>/dev/null) || return 0
  while [ -n "$d" ] && [ "$d" != / ] && [ ! -f "$d/idVendor" ]; do d=\${d%/*}; done
  [ -f "$d/idVendor" ] && printf '%s' "$d"
  return 0
}
if [ -d "$dev/serial/by-id" ]; then
  for l in "$dev"/serial/by-id/*; do
    [ -L "$l" ] || continue
    printf 'link\\t%s\\t%s\\n' "\${l##*/}" "$(readlink "$l" | tr -d '\\t\\r\\n')"
  done
fi
for t in "$dev"/ttyUSB* "$dev"/ttyACM*; do
  [ -e "$t" ] || continue
  n=\${t##*/}
  printf 'tty\\t%s\\t%s\\n' "$n" "$(usbdir "$sys/class/tty/$n/device")"
done
if [ -d "$sys/bus/usb/devices" ]; then
  for u in "$sys"/bus/usb/devices/*; do
    [ -f "$u/idVendor" ] || continue
    r=$(readlink -f "$u" 2>/dev/null) || r=$u
    printf 'usb\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$r" "\${u##*/}" "$(attr "$u" idVendor)" "$(attr "$u" idProduct)" \\
      "$(attr "$u" serial)" "$(attr "$u" manufacturer)" "$(attr "$u" product)" "$(attr "$u" busnum)" "$(attr "$u" devnum)"
  done
fi
exit 0
`;

export interface ScannedUsb {
  /** Resolved sysfs path of the device. */
  readonly dir: string;
  /** Its name in /sys/bus/usb/devices: the bus-port path (`1-1.2`). */
  readonly name: string;
  readonly vendorId: string;
  readonly productId: string;
  readonly serial?: string;
  readonly manufacturer?: string;
  readonly product?: string;
  readonly busNum?: number;
  readonly devNum?: number;
}

export interface ScannedTty {
  readonly name: string;
  /** The resolved sysfs folder of its USB device; undefined for a tty without one. */
  readonly usbDir?: string;
}

export interface PortScan {
  /** by-id link name → tty name it points to (`ttyUSB0`). */
  readonly byId: ReadonlyMap<string, string>;
  readonly ttys: readonly ScannedTty[];
  readonly usb: readonly ScannedUsb[];
}

function optional(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function optionalNumber(value: string | undefined): number | undefined {
  const n = Number(value);
  return value === undefined || value === '' || !Number.isInteger(n) ? undefined : n;
}

/** Parses the script's output; unknown or short lines are skipped (a newer script may add some). */
export function parsePortScan(text: string): PortScan {
  const byId = new Map<string, string>();
  const ttys: ScannedTty[] = [];
  const usb: ScannedUsb[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split('\t');
    const [kind, a, b] = fields;
    if (kind === 'link' && a !== undefined && a !== '' && b !== undefined) {
      byId.set(a, b.slice(b.lastIndexOf('/') + 1));
    } else if (kind === 'tty' && a !== undefined && a !== '') {
      const usbDir = optional(b);
      ttys.push(usbDir === undefined ? { name: a } : { name: a, usbDir });
    } else if (kind === 'usb' && fields.length >= 10) {
      const [, dir = '', name = '', vendorId = '', productId = '', serial, manufacturer, product, busNum, devNum] = fields;
      if (dir === '' || vendorId === '' || productId === '') continue;
      const entry: ScannedUsb = { dir, name, vendorId, productId };
      const extra = {
        serial: optional(serial),
        manufacturer: optional(manufacturer),
        product: optional(product),
        busNum: optionalNumber(busNum),
        devNum: optionalNumber(devNum),
      };
      usb.push({ ...entry, ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)) });
    }
  }
  return { byId, ttys, usb };
}
