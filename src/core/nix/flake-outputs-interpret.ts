/**
 * Turns what `nix flake show --json` and the describe expressions printed into FlakeOutputs.
 * Pure: everything it reads is untrusted JSON, narrowed field by field.
 */
import type {
  DeployNodeOutput,
  DeployProfileOutput,
  FlakeOutputs,
  ImageOutput,
  NixosConfigurationOutput,
  OtherOutput,
  PackageOutput,
} from './flake-outputs-model';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}
function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A `describe` result (describe-expressions.ts). */
type Described =
  | { kind: 'derivation'; name?: string; system?: string; hostSystem?: string }
  | { kind: 'attrs'; attrs: Record<string, Described>; names: readonly string[] }
  | { kind: 'scalar'; value: unknown }
  | { kind: 'list'; items: readonly unknown[] }
  | { kind: 'other'; what: string };

function described(value: unknown): Described {
  const v = record(value);
  switch (v['kind']) {
    case 'derivation': {
      const name = optionalString(v['name']);
      const system = optionalString(v['system']);
      const hostSystem = optionalString(v['hostSystem']);
      return {
        kind: 'derivation',
        ...(name === undefined ? {} : { name }),
        ...(system === undefined ? {} : { system }),
        ...(hostSystem === undefined ? {} : { hostSystem }),
      };
    }
    case 'attrs': {
      const attrs: Record<string, Described> = {};
      for (const [k, child] of Object.entries(record(v['attrs']))) attrs[k] = described(child);
      const names = Array.isArray(v['names']) ? v['names'].filter((n): n is string => typeof n === 'string') : Object.keys(attrs);
      return { kind: 'attrs', attrs, names };
    }
    case 'scalar':
      return { kind: 'scalar', value: v['value'] };
    case 'list':
      return { kind: 'list', items: Array.isArray(v['items']) ? v['items'] : [] };
    default:
      return { kind: 'other', what: typeof v['kind'] === 'string' ? v['kind'] : 'unknown' };
  }
}

function child(d: Described | undefined, name: string): Described | undefined {
  return d?.kind === 'attrs' ? d.attrs[name] : undefined;
}
function scalarString(d: Described | undefined): string | undefined {
  return d?.kind === 'scalar' && typeof d.value === 'string' ? d.value : undefined;
}
function scalarNumber(d: Described | undefined): number | undefined {
  return d?.kind === 'scalar' && typeof d.value === 'number' ? d.value : undefined;
}
function scalarBoolean(d: Described | undefined): boolean | undefined {
  return d?.kind === 'scalar' && typeof d.value === 'boolean' ? d.value : undefined;
}

function attrPath(...parts: readonly string[]): string {
  // Quote parts that are not plain Nix identifiers, as nix's installable syntax expects.
  return parts.map((p) => (/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(p) ? p : JSON.stringify(p))).join('.');
}

function interpretPackages(show: Json, details: Json): PackageOutput[] {
  const out: PackageOutput[] = [];
  const described = record(details['packages']);
  for (const [system, packages] of Object.entries(record(show['packages']))) {
    for (const [name, info] of Object.entries(record(packages))) {
      const detail = record(record(described[system])[name]);
      const hostSystem = optionalString(detail['hostSystem']);
      const drvName = optionalString(detail['drvName']) ?? optionalString(record(info)['name']);
      out.push({
        system,
        name,
        attrPath: attrPath('packages', system, name),
        ...(drvName === undefined ? {} : { drvName }),
        ...(hostSystem === undefined ? {} : { hostSystem }),
        isCross: hostSystem !== undefined && hostSystem !== system,
      });
    }
  }
  return out;
}

function interpretConfigurations(show: Json, details: Json): NixosConfigurationOutput[] {
  const described = record(details['nixosConfigurations']);
  return Object.keys(record(show['nixosConfigurations'])).map((name) => {
    const d = record(described[name]);
    const hostSystem = optionalString(d['hostSystem']);
    const buildSystem = optionalString(d['buildSystem']);
    return {
      name,
      attrPath: attrPath('nixosConfigurations', name),
      ...(hostSystem === undefined ? {} : { hostSystem }),
      ...(buildSystem === undefined ? {} : { buildSystem }),
    };
  });
}

/** `images.<name>` derivations, or `images.<system>.<name>` as some flakes nest them. */
function interpretImages(images: Described | undefined): ImageOutput[] {
  const out: ImageOutput[] = [];
  const visit = (d: Described, path: readonly string[], depth: number): void => {
    if (d.kind === 'derivation') {
      out.push({
        name: path.slice(1).join('.'),
        attrPath: attrPath(...path),
        ...(d.name === undefined ? {} : { drvName: d.name }),
        ...(d.system === undefined ? {} : { system: d.system }),
        ...(d.hostSystem === undefined ? {} : { hostSystem: d.hostSystem }),
      });
    } else if (d.kind === 'attrs' && depth < 2) {
      for (const [name, c] of Object.entries(d.attrs)) visit(c, [...path, name], depth + 1);
    }
  };
  if (images !== undefined) visit(images, ['images'], 0);
  return out;
}

function stringList(d: Described | undefined): string[] {
  return d?.kind === 'list' ? d.items.filter((i): i is string => typeof i === 'string') : [];
}

function interpretDeploy(deploy: Described | undefined): DeployNodeOutput[] {
  const nodes = child(deploy, 'nodes');
  if (nodes?.kind !== 'attrs') return [];
  // deploy-rs settings cascade: deploy → node → profile.
  const top = (key: string): Described | undefined => child(deploy, key);
  return Object.entries(nodes.attrs).map(([name, node]) => {
    const get = (key: string): Described | undefined => child(node, key) ?? top(key);
    const profilesD = child(node, 'profiles');
    const profiles: DeployProfileOutput[] =
      profilesD?.kind === 'attrs'
        ? Object.entries(profilesD.attrs).map(([profileName, profile]) => {
            const user = scalarString(child(profile, 'user'));
            const sshUser = scalarString(child(profile, 'sshUser'));
            const path = child(profile, 'path');
            const pathDrvName = path?.kind === 'derivation' ? path.name : undefined;
            return {
              name: profileName,
              ...(user === undefined ? {} : { user }),
              ...(sshUser === undefined ? {} : { sshUser }),
              ...(pathDrvName === undefined ? {} : { pathDrvName }),
            };
          })
        : [];
    const hostname = scalarString(get('hostname'));
    const sshUser = scalarString(get('sshUser'));
    const user = scalarString(get('user'));
    const magicRollback = scalarBoolean(get('magicRollback'));
    const autoRollback = scalarBoolean(get('autoRollback'));
    const confirmTimeout = scalarNumber(get('confirmTimeout'));
    const activationTimeout = scalarNumber(get('activationTimeout'));
    return {
      name,
      attrPath: attrPath('deploy', 'nodes', name),
      ...(hostname === undefined ? {} : { hostname }),
      ...(sshUser === undefined ? {} : { sshUser }),
      ...(user === undefined ? {} : { user }),
      sshOpts: stringList(get('sshOpts')),
      ...(magicRollback === undefined ? {} : { magicRollback }),
      ...(autoRollback === undefined ? {} : { autoRollback }),
      ...(confirmTimeout === undefined ? {} : { confirmTimeout }),
      ...(activationTimeout === undefined ? {} : { activationTimeout }),
      profiles,
    };
  });
}

const INTERPRETED = new Set(['packages', 'nixosConfigurations', 'images', 'deploy']);

function interpretOther(show: Json): OtherOutput[] {
  return Object.entries(show)
    .filter(([name]) => !INTERPRETED.has(name))
    .map(([name, value]) => {
      const v = record(value);
      const type = optionalString(v['type']);
      return { name, kind: type ?? 'attrs', children: type === undefined ? Object.keys(v) : [] };
    });
}

export interface InterpretInput {
  readonly flakeDir: string;
  readonly metadata: { readonly sourcePath: string; readonly description?: string };
  readonly show: unknown;
  readonly details: unknown;
}

export function interpretOutputs(input: InterpretInput): FlakeOutputs {
  const show = record(input.show);
  const details = record(input.details);
  const unknown = record(details['unknown']);
  const imagesD = unknown['images'] === undefined ? undefined : described(unknown['images']);
  const deployD = unknown['deploy'] === undefined ? undefined : described(unknown['deploy']);
  return {
    flakeDir: input.flakeDir,
    sourcePath: input.metadata.sourcePath,
    ...(input.metadata.description === undefined ? {} : { description: input.metadata.description }),
    nixosConfigurations: interpretConfigurations(show, details),
    images: interpretImages(imagesD),
    packages: interpretPackages(show, details),
    deployNodes: interpretDeploy(deployD),
    other: interpretOther(show),
  };
}
