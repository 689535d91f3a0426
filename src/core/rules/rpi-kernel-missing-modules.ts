import type { Finding, Fix, Rule } from './rule';
import { makeFinding } from './make-finding';
import { analysisOf, type Analysis } from './query/analysis';
import { appendToList, insertBefore, lineIndent } from './query/edits';
import { moduleMember, rpiKernels, type RpiKernel } from './query/rpi-kernel';
import { literalString, unwrapValue } from './query/values';

const OVERLAY = '(final: super: { makeModulesClosure = x: super.makeModulesClosure (x // { allowMissing = true; }); })';

export const rpiKernelMissingModulesRule: Rule = {
  id: 'rpi-kernel-missing-modules',
  defaultSeverity: 'error',
  description:
    "A Raspberry Pi vendor kernel (linux_rpi*) with an sd-image module: the image's initrd lists modules the vendor kernel does not build (ahci, …), so building the image fails with \"modprobe: FATAL: Module ahci not found\". Add a nixpkgs overlay that makes makeModulesClosure skip missing modules (`allowMissing = true`), or on nixpkgs 24.05 and later set `hardware.enableAllHardware = lib.mkForce false`.",
  check(context) {
    const analysis = analysisOf(context);
    const findings: Finding[] = [];
    for (const kernel of rpiKernels(analysis)) {
      const { config } = kernel;
      if (config.incomplete || !config.nixpkgsModules.some((m) => m.includes('sd-image') || m.includes('sd-card'))) continue;
      if (hasAllowMissingOverlay(analysis) || disablesAllHardware(analysis, kernel)) continue;
      const fix = overlayFix(analysis, kernel);
      findings.push(
        makeFinding(
          rpiKernelMissingModulesRule,
          kernel.node,
          `The vendor kernel linux_${kernel.model} lacks modules the sd-image's initrd asks for: building the image fails with "modprobe: FATAL: Module ahci not found". Add an overlay with makeModulesClosure (x // { allowMissing = true; }) to nixpkgs.overlays (or, on nixpkgs 24.05+, set hardware.enableAllHardware = lib.mkForce false).`,
          { fixes: fix === undefined ? [] : [fix] },
        ),
      );
    }
    return findings;
  },
};

/** A makeModulesClosure override anywhere in the file whose value sets allowMissing = true. */
function hasAllowMissingOverlay(analysis: Analysis): boolean {
  const { index, text } = analysis;
  return index.bindingsNamed('makeModulesClosure').some((b) =>
    index.bindingsNamed('allowMissing').some((a) => b.value !== undefined && a.node.start >= b.value.start && a.node.end <= b.value.end && text.slice(a.value?.start ?? 0, a.value?.end ?? 0) === 'true'),
  );
}

function disablesAllHardware(analysis: Analysis, kernel: RpiKernel): boolean {
  return kernel.config.option(['hardware', 'enableAllHardware']).some((b) => {
    const value = unwrapValue(b.value, analysis.text);
    return value !== undefined && analysis.text.slice(value.start, value.end) === 'false' && literalString(value, analysis.text) === undefined;
  });
}

function overlayFix(analysis: Analysis, kernel: RpiKernel): Fix | undefined {
  const { text } = analysis;
  const title = 'Add the makeModulesClosure allowMissing overlay';
  for (const b of kernel.config.option(['nixpkgs', 'overlays'])) {
    const list = unwrapValue(b.value, text);
    const edit = list?.kind === 'List' ? appendToList(text, list, OVERLAY) : undefined;
    if (edit !== undefined) return { title, edits: [edit], isPreferred: true };
  }
  const member = moduleMember(analysis, kernel.config, kernel.binding);
  if (member === undefined) return undefined;
  const indent = lineIndent(text, member.node.start);
  const binding = `# The vendor kernel lacks modules the sd-image initrd lists (ahci…): let the closure skip them.\n${indent}nixpkgs.overlays = [ ${OVERLAY} ];`;
  return { title, edits: [insertBefore(text, member.node, binding)], isPreferred: true };
}
