/**
 * core/ports: serial ports and debug probes, local (SerialPort.list() merged with sysfs; a sysfs
 * fallback when udev is missing, flagged) and on a board over SSH (one sh script), recognised by
 * USB id (USB-UARTs as consoles, ST-Links as probes, an ST-Link's VCP as both), with humility's
 * probe index; and a watcher for plug and unplug.
 */
export { listPorts, portScanArgv, scanLocalPorts } from './list-ports';
export type { ListPortsOptions, PortRoots } from './list-ports';
export { assemblePortListing } from './port-assembly';
export type { AssembleOptions, ListedPort } from './port-assembly';
export type { PortListing, PortListingFallback, ProbeEntry, SerialPortEntry, UsbDeviceInfo } from './port-model';
export { humilityProbeOrder } from './probe-order';
export { listRemotePorts } from './remote-ports';
export type { RemotePortsOptions } from './remote-ports';
export { parsePortScan, PORT_SCAN_SCRIPT } from './sysfs-scan';
export type { PortScan, ScannedTty, ScannedUsb } from './sysfs-scan';
export { isProbeId, normaliseUsbHex, recogniseUsb, usbIdOf } from './usb-ids';
export type { UsbId, UsbKind, UsbRole } from './usb-ids';
export { PORT_POLL_INTERVAL_MS, PORT_WATCH_DEBOUNCE_MS, watchPorts } from './watch-ports';
export type { WatchPortsOptions } from './watch-ports';
