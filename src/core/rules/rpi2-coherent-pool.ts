import type { Finding, Fix, Rule } from './rule';
import { makeFinding } from './make-finding';
import { analysisOf, type Analysis } from './query/analysis';
import { appendToList, insertAfter } from './query/edits';
import { moduleMember, rpiKernels, type RpiKernel } from './query/rpi-kernel';
import { listElements, literalString, unwrapValue } from './query/values';

export const rpi2CoherentPoolRule: Rule = {
  id: 'rpi2-coherent-pool',
  defaultSeverity: 'hint',
  description:
    'The Raspberry Pi 2 vendor kernel (linux_rpi2) without `coherent_pool=` in boot.kernelParams. With two USB network adapters the default DMA coherent pool runs out and one of them fails to come up; `coherent_pool=4M` is the known workaround.',
  check(context) {
    const analysis = analysisOf(context);
    const findings: Finding[] = [];
    for (const kernel of rpiKernels(analysis)) {
      if (kernel.model !== 'rpi2' || kernel.config.incomplete) continue;
      const params = kernel.config.option(['boot', 'kernelParams']);
      let known = true;
      let present = false;
      for (const b of params) {
        const list = listElements(analysis.resolver.resolve(b.value), analysis.text);
        if (!list.complete) known = false;
        for (const e of list.elements) {
          const value = literalString(e, analysis.text);
          if (value === undefined) known = false;
          else if (value.startsWith('coherent_pool=')) present = true;
        }
      }
      if (present || !known) continue;
      const fix = addParamFix(analysis, kernel);
      findings.push(
        makeFinding(
          rpi2CoherentPoolRule,
          kernel.node,
          'linux_rpi2 without coherent_pool= in boot.kernelParams: with two USB network adapters the DMA coherent pool runs out and one of them does not come up. Add "coherent_pool=4M" to boot.kernelParams.',
          { fixes: fix === undefined ? [] : [fix] },
        ),
      );
    }
    return findings;
  },
};

function addParamFix(analysis: Analysis, kernel: RpiKernel): Fix | undefined {
  const { text } = analysis;
  const title = 'Add coherent_pool=4M to boot.kernelParams';
  for (const b of kernel.config.option(['boot', 'kernelParams'])) {
    const list = unwrapValue(b.value, text);
    const edit = list?.kind === 'List' ? appendToList(text, list, '"coherent_pool=4M"') : undefined;
    if (edit !== undefined) return { title, edits: [edit], isPreferred: true };
  }
  const member = moduleMember(analysis, kernel.config, kernel.binding);
  if (member === undefined) return undefined;
  return { title, edits: [insertAfter(text, member.node, 'boot.kernelParams = [ "coherent_pool=4M" ];')], isPreferred: true };
}
