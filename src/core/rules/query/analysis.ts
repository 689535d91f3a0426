/**
 * What several rules need from one file, computed once per check and shared: the tree index,
 * the flake model, the resolver and the NixOS configurations. `checkText` runs rules with a
 * `SharedRuleContext`, which builds the analysis on first use; a rule given a plain context
 * (a test calling `rule.check`) gets a fresh one. (A WeakMap keyed by the tree would also work,
 * but its ephemerons made garbage collection cost more than the whole rule pass.)
 */
import type { ParseResult, ScopeInfo, SyntaxNode } from '../../lang';
import type { InputPackages, RuleContext } from '../rule';
import { flakeModelOf, type FlakeModel } from './flake';
import { findNixosConfigurations, type NixosConfiguration } from './nixos-configs';
import { Resolver } from './resolve';
import { buildTreeIndex, type TreeIndex } from './tree-index';

export interface Analysis {
  readonly text: string;
  readonly index: TreeIndex;
  readonly flake: FlakeModel | undefined;
  readonly resolver: Resolver;
  configurations(): readonly NixosConfiguration[];
  /** The configuration whose call is `node`, if any. */
  configurationAt(node: SyntaxNode | undefined): NixosConfiguration | undefined;
}

export class SharedRuleContext implements RuleContext {
  private shared: Analysis | undefined;

  constructor(
    readonly text: string,
    readonly parse: ParseResult,
    readonly scopes: ScopeInfo,
    readonly today: Date,
    readonly inputPackages?: InputPackages,
  ) {}

  get analysis(): Analysis {
    return (this.shared ??= buildAnalysis(this));
  }
}

export function analysisOf(context: RuleContext): Analysis {
  return context instanceof SharedRuleContext ? context.analysis : buildAnalysis(context);
}

function buildAnalysis(context: RuleContext): Analysis {
  const root = context.parse.root;
  const index = buildTreeIndex(root, context.text);
  const flake = flakeModelOf(index, root);
  const resolver = new Resolver({
    index,
    scopes: context.scopes,
    self: flake?.outputsLambda === undefined || flake.selfSet === undefined ? undefined : { lambda: flake.outputsLambda, set: flake.selfSet },
  });
  let configs: readonly NixosConfiguration[] | undefined;
  const configurations = (): readonly NixosConfiguration[] => (configs ??= findNixosConfigurations(index, resolver));
  return {
    text: context.text,
    index,
    flake,
    resolver,
    configurations,
    configurationAt: (node) => (node === undefined ? undefined : configurations().find((c) => c.node === node)),
  };
}
