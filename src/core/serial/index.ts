/**
 * core/serial: serial consoles over a local port (serialport) or a port on a board (one SSH
 * channel after `stty`). `SerialSession` is the ConsoleStream the terminal UI and the u-boot
 * helper use: settings at runtime, DTR/RTS and break where the transport can, a byte-exact log,
 * display transforms, re-attach after unplug, and diagnosed open failures.
 */
export type { ConsoleStream } from './console-stream';
export { classifyOpenError, defaultSystemView, diagnoseOpenFailure, findHolders, usbIdOf } from './diagnose-open';
export type { DiagnoseOptions, OpenDiagnosis, OpenFailureKind, PortHolder, SystemView } from './diagnose-open';
export { DisplayTransform, HEX_BYTES_PER_ROW, timestampPrefix } from './display-transform';
export type { DisplayOptions } from './display-transform';
export { LOCAL_CAPABILITIES, LocalTransport } from './local-transport';
export type { LocalTransportOptions } from './local-transport';
export { SerialPortRegistry } from './port-registry';
export { BY_ID_DIR, PORT_POLL_INTERVAL_MS, reattachPath, waitForLocalPath } from './port-watch';
export { RELAY_SCRIPT, REMOTE_CAPABILITIES, RemoteTransport } from './remote-transport';
export { SerialLog, serialLogFileName } from './serial-log';
export type { SerialLogOptions } from './serial-log';
export { BAUD_RATE_PRESETS, DEFAULT_SERIAL_OPTIONS, formatSerialFrame, lineEndingBytes, normaliseSerialOptions, parseSerialFrame } from './serial-options';
export type { DataBits, FlowControl, LineEnding, Parity, SerialOptions, StopBits } from './serial-options';
export type { ControlSignals, SerialTransport, TransportCapabilities, TransportEnd, TransportOpener } from './serial-transport';
export { describeState, SerialSession } from './session';
export type { SerialEndpoint, SerialSessionOptions, SessionEvent, SessionState } from './session';
export { sttyArgs } from './stty-args';
