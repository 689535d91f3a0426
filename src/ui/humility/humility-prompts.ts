/**
 * The questions before a humility run: which subcommand with which options and arguments, and
 * which probe when several are attached and the settings name none. Each returns undefined when
 * the user dismisses it.
 */
import * as vscode from 'vscode';
import type { HumilityOption, ProbeChoice } from '../../core/humility';
import { humilityArgs, optionPicks, splitArguments, subcommandPicks } from './humility-pick-model';

export async function askHumilityArgs(hasArchive: boolean): Promise<{ args: string[]; needsProbe: boolean } | undefined> {
  const title = vscode.l10n.t('Humility');
  const picked = await vscode.window.showQuickPick(subcommandPicks(hasArchive), { title, placeHolder: vscode.l10n.t('humility subcommand'), matchOnDescription: true });
  if (picked === undefined) return undefined;
  const subcommand = picked.subcommand;
  const chosen: { option: HumilityOption; value?: string }[] = [];
  if (subcommand !== undefined && subcommand.options.length > 0) {
    const options = await vscode.window.showQuickPick(optionPicks(subcommand), { title: `humility ${subcommand.name}`, placeHolder: vscode.l10n.t('Options (none is fine)'), canPickMany: true });
    if (options === undefined) return undefined;
    for (const { option } of options) {
      if (option.value === undefined) {
        chosen.push({ option });
        continue;
      }
      const value = await vscode.window.showInputBox({ title: `humility ${subcommand.name} ${option.flag}`, prompt: option.description, placeHolder: option.value });
      if (value === undefined) return undefined;
      chosen.push({ option, value });
    }
  }
  const typed = await vscode.window.showInputBox({
    title: subcommand === undefined ? 'humility' : `humility ${[subcommand.name, ...chosen.map((c) => c.option.flag)].join(' ')}`,
    prompt: subcommand === undefined ? vscode.l10n.t('humility arguments: a subcommand and its options') : vscode.l10n.t('More arguments (optional)'),
    ...(subcommand?.argument === undefined ? {} : { placeHolder: subcommand.argument }),
    validateInput: (text) => {
      try {
        const words = splitArguments(text);
        return subcommand === undefined && words.length === 0 ? vscode.l10n.t('Type a subcommand, e.g. probe.') : undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  });
  if (typed === undefined) return undefined;
  return { args: humilityArgs(subcommand, chosen, typed), needsProbe: subcommand?.needsProbe ?? true };
}

export async function askProbe(choices: readonly ProbeChoice[], where: string): Promise<ProbeChoice | undefined> {
  return vscode.window.showQuickPick(
    choices.map((choice) => ({ label: choice.label, description: choice.description, detail: `HUMILITY_PROBE=${choice.value}`, choice })),
    { title: vscode.l10n.t('Debug probe on {0}', where), placeHolder: vscode.l10n.t('Several probes are attached: which one?') },
  ).then((picked) => picked?.choice);
}
