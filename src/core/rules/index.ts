/**
 * core/rules: flake and board checks over core/lang's tree. `checkText` parses once, resolves
 * scopes once and runs every rule of `RULES`; findings carry offsets, fixes carry text edits.
 * Front-ends (language server, CLI) convert offsets with `PositionMapper`.
 */
import { checkTextWith, type CheckOptions, type CheckResult } from './check-text';
import { cargoSha256DeprecatedRule } from './cargo-sha256-deprecated';
import { deployActivateSystemMismatchRule } from './deploy-activate-system-mismatch';
import { duplicateAttributeRule } from './duplicate-attribute';
import { extlinuxMenuHiddenRule } from './extlinux-menu-hidden';
import { flakeDeprecatedOutputRule } from './flake-deprecated-output';
import { flakeOutputsUnknownInputRule } from './flake-outputs-unknown-input';
import { flakeUnknownSystemRule } from './flake-unknown-system';
import { foreignArchPackageRule } from './foreign-arch-package';
import { invalidSshPublicKeyRule } from './invalid-ssh-public-key';
import { nixpkgsChannelEolRule } from './nixpkgs-channel-eol';
import { placeholderHostnameRule } from './placeholder-hostname';
import { rpi2CoherentPoolRule } from './rpi2-coherent-pool';
import { rpiKernelMissingModulesRule } from './rpi-kernel-missing-modules';
import type { Rule } from './rule';
import { syntaxErrorRule } from './syntax-error';
import { undefinedVariableRule } from './undefined-variable';
import { unusedBindingRule } from './unused-binding';

export type { Finding, Fix, InputPackages, Rule, RuleContext, Severity, TextEdit } from './rule';
export type { CheckOptions, CheckResult, RuleFailure } from './check-text';
export { offsetToPosition, PositionMapper, type Position } from './position';
export { applyEdits } from './query/edits';
export { KNOWN_DOUBLES, PKGS_CROSS_PLATFORMS, DEPLOY_RS_SYSTEMS } from './query/systems';

export const RULES: readonly Rule[] = [
  syntaxErrorRule,
  duplicateAttributeRule,
  undefinedVariableRule,
  unusedBindingRule,
  flakeOutputsUnknownInputRule,
  flakeDeprecatedOutputRule,
  flakeUnknownSystemRule,
  deployActivateSystemMismatchRule,
  foreignArchPackageRule,
  rpiKernelMissingModulesRule,
  rpi2CoherentPoolRule,
  invalidSshPublicKeyRule,
  placeholderHostnameRule,
  extlinuxMenuHiddenRule,
  cargoSha256DeprecatedRule,
  nixpkgsChannelEolRule,
];

/** Parses `text` once and runs every enabled rule over it. Never throws. */
export function checkText(text: string, options: CheckOptions = {}): CheckResult {
  return checkTextWith(RULES, text, options);
}

export { checkTextWith };
