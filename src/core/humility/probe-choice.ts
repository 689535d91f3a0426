/**
 * Which HUMILITY_PROBE value selects a probe. `vid:pid:serial` whenever the serial is known:
 * every humility version matches it exactly, whatever order its USB library lists devices in
 * (see core/ports/probe-order.ts). `usb` when it is the only probe; `usb-N` only as a last resort.
 */
import type { ProbeEntry } from '../ports';

export interface ProbeChoice {
  /** "ST-Link V2 55FF6B06… (1-1.4)" */
  readonly label: string;
  readonly description: string;
  /** The HUMILITY_PROBE value. */
  readonly value: string;
  readonly probe: ProbeEntry;
}

export function humilityProbeValue(probe: ProbeEntry, all: readonly ProbeEntry[]): string {
  const serial = probe.usb.serialNumber;
  if (serial !== undefined && !serial.includes(':') && !/\s/.test(serial)) return `${probe.usb.id}:${serial}`;
  if (all.length === 1) return 'usb';
  return `usb-${String(probe.humilityIndex)}`;
}

export function probeChoices(probes: readonly ProbeEntry[]): ProbeChoice[] {
  return probes.map((probe) => ({
    label: `${probe.label}${probe.usb.serialNumber === undefined ? '' : ` ${probe.usb.serialNumber}`}`,
    description: [probe.usb.id, probe.usb.busPort === undefined ? undefined : `port ${probe.usb.busPort}`, probe.consolePath === undefined ? undefined : `console ${probe.consolePath}`]
      .filter((part) => part !== undefined)
      .join(', '),
    value: humilityProbeValue(probe, probes),
    probe,
  }));
}
