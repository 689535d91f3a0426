/**
 * Raspberry Pi vendor kernels selected by `boot.kernelPackages`: linuxKernel.packages.linux_rpi*,
 * linuxPackages_rpi*, or `linuxPackagesFor linux_rpi*`.
 */
import type { SyntaxNode } from '../../lang';
import type { Analysis } from './analysis';
import type { NixosConfiguration } from './nixos-configs';
import type { BindingInfo } from './tree-index';
import { applyParts, dottedName, lastName, unwrapValue } from './values';

export interface RpiKernel {
  readonly config: NixosConfiguration;
  readonly binding: BindingInfo;
  /** The expression naming the kernel: the diagnostic's range. */
  readonly node: SyntaxNode;
  /** `rpi2`, `rpi4`… (`rpi` for the generic one). */
  readonly model: string;
}

const RPI_KERNEL = /^linux(?:Packages)?_(rpi\w*)$/;

export function rpiKernels(analysis: Analysis): RpiKernel[] {
  const { text } = analysis;
  const out: RpiKernel[] = [];
  for (const config of analysis.configurations()) {
    for (const binding of config.option(['boot', 'kernelPackages'])) {
      let value = unwrapValue(binding.value, text);
      const call = value === undefined ? undefined : applyParts(value);
      if (call !== undefined && lastName(call.fn, text) === 'linuxPackagesFor') value = unwrapValue(call.args[0], text);
      const name = value === undefined ? undefined : dottedName(value, text)?.at(-1);
      const model = name === undefined ? undefined : RPI_KERNEL.exec(name)?.[1];
      if (value !== undefined && model !== undefined) out.push({ config, binding, node: value, model });
    }
  }
  return out;
}

/** The member of a module set that holds `binding` (itself, or the `boot = { … }` around it). */
export function moduleMember(analysis: Analysis, config: NixosConfiguration, binding: BindingInfo): BindingInfo | undefined {
  for (let node: SyntaxNode | undefined = binding.node; node !== undefined; node = node.parent) {
    const info = node.kind === 'Binding' ? analysis.index.bindingOf(node) : undefined;
    if (info !== undefined && config.moduleSets.includes(info.set)) return info;
  }
  return undefined;
}
