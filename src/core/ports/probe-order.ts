/**
 * humility's `usb-N`. humility (humility-probes-core/src/lib.rs, `get_usb_probe`) indexes the
 * list probe-rs's `Lister::list_all()` returns: drivers in a fixed order (CMSIS-DAP before
 * ST-Link), each listing probes in its USB library's enumeration order. humility ≤ 0.9 pins
 * Oxide's probe-rs 0.12 fork on rusb/libusb (Cargo.toml, `[patch.crates-io] libusb1-sys`):
 * libusb on Linux enumerates through udev, which sorts devices by sysfs path, and inserts each
 * device at the head of its list (`usbi_connect_device`: `list_add`), so `libusb_get_device_list`
 * returns them in reverse sysfs-path order. That is the order reproduced here, counting only the
 * probes we recognise (ST-Links): with a CMSIS-DAP probe attached too, humility's indices shift.
 * Newer humility lists USB devices with nusb, in /sys/bus/usb/devices readdir order (kernfs hash
 * order), which no port order predicts. So `usb-N` is a last resort: the probe choice
 * (core/humility/probe-choice.ts) uses `vid:pid:serial` whenever the serial is known, which
 * every humility matches exactly.
 */

export interface OrderableProbe {
  /** Resolved sysfs path of the USB device. */
  readonly sysfsPath: string;
}

/** Byte-wise comparison, as udev's sort (strcmp) does. */
function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

/** The probes in humility's (libusb's) order: reverse sysfs path order. */
export function humilityProbeOrder<T extends OrderableProbe>(probes: readonly T[]): T[] {
  return [...probes].sort((a, b) => compareBytes(b.sysfsPath, a.sysfsPath));
}
