/**
 * The serial ports and probes of each device, listed over its SSH connection (core/ports'
 * listRemotePorts) when its Ports or Probe node is expanded or humility needs its probes. One
 * listing per device is shared until the device is refreshed.
 */
import type { Device } from '../../core/devices';
import { listRemotePorts, type PortListing } from '../../core/ports';
import type { DeviceConnections } from '../devices/device-connections';

export class DevicePorts {
  private readonly listings = new Map<string, Promise<PortListing>>();

  constructor(private readonly connections: DeviceConnections) {}

  listing(device: Device, signal?: AbortSignal): Promise<PortListing> {
    const known = this.listings.get(device.name);
    if (known !== undefined) return known;
    const listing = this.connections
      .link(device)
      .connection(signal)
      .then((connection) => listRemotePorts(connection, signal === undefined ? {} : { signal }));
    // A failure is not kept: the next expand tries again.
    listing.catch(() => {
      if (this.listings.get(device.name) === listing) this.listings.delete(device.name);
    });
    this.listings.set(device.name, listing);
    return listing;
  }

  /** Forgets one device's listing, or all. */
  forget(device?: Device): void {
    if (device === undefined) this.listings.clear();
    else this.listings.delete(device.name);
  }
}
