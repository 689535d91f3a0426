import type { Finding, Rule } from './rule';
import { makeFinding } from './make-finding';
import { analysisOf } from './query/analysis';
import type { NixosConfiguration } from './query/nixos-configs';
import { unwrapValue } from './query/values';

/** nixpkgs sd-image modules for U-Boot boards boot through generic-extlinux-compatible. */
const EXTLINUX_IMAGES = /sd-image-(aarch64|armv7l|raspberrypi|riscv64|powerpc)/;

export const extlinuxMenuHiddenRule: Rule = {
  id: 'extlinux-menu-hidden',
  defaultSeverity: 'warning',
  description:
    "generic-extlinux-compatible (U-Boot's extlinux.conf) with `boot.loader.timeout = 0` or `null`. With 0 the menu of generations never shows, so when a deploy breaks the network there is no way back to an older generation from the serial console (the seed's rescue). With null U-Boot waits for a choice forever, so a headless board never boots unattended.",
  check(context) {
    const analysis = analysisOf(context);
    const { text } = analysis;
    const findings: Finding[] = [];
    for (const config of analysis.configurations()) {
      if (!usesExtlinux(config, text)) continue;
      for (const b of config.option(['boot', 'loader', 'timeout'])) {
        const value = unwrapValue(b.value, text);
        const written = value === undefined ? '' : text.slice(value.start, value.end);
        if (value === undefined || (written !== '0' && written !== 'null')) continue;
        const fix = { title: 'Show the boot menu for 5 seconds', edits: [{ start: value.start, end: value.end, newText: '5' }], isPreferred: true };
        const message =
          written === '0'
            ? 'boot.loader.timeout = 0 hides the extlinux boot menu: when a new generation breaks the device there is no way to boot an older one from the serial console. Give the menu a few seconds.'
            : 'boot.loader.timeout = null makes U-Boot wait at the extlinux menu until someone chooses: a headless board never boots on its own. Use a timeout of a few seconds.';
        findings.push(makeFinding(extlinuxMenuHiddenRule, value, message, { fixes: [fix] }));
      }
    }
    return findings;
  },
};

function usesExtlinux(config: NixosConfiguration, text: string): boolean {
  const explicit = config.option(['boot', 'loader', 'generic-extlinux-compatible', 'enable']).map((b) => {
    const value = unwrapValue(b.value, text);
    return value === undefined ? '' : text.slice(value.start, value.end);
  });
  if (explicit.includes('false')) return false;
  return explicit.includes('true') || config.nixpkgsModules.some((m) => EXTLINUX_IMAGES.test(m));
}
