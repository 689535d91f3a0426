/** What the Flake view, the CLI's `outputs` and the build/deploy pickers know of a flake. */

export interface PackageOutput {
  /** The system attribute it is listed under: `packages.<system>`: the machine that builds it. */
  readonly system: string;
  readonly name: string;
  /** Installable attribute path, e.g. `packages.x86_64-linux.humility`. */
  readonly attrPath: string;
  readonly drvName?: string;
  /** Where its binaries run: `stdenv.hostPlatform.system`. A pkgsCross derivation's `system` is
   * the build machine's, so this, not the name, says it is cross-built. */
  readonly hostSystem?: string;
  readonly isCross: boolean;
}

export interface NixosConfigurationOutput {
  readonly name: string;
  readonly attrPath: string;
  /** `config.nixpkgs.hostPlatform.system`: the board's architecture. */
  readonly hostSystem?: string;
  /** `config.nixpkgs.buildPlatform.system` where set: differs from hostSystem when cross-built. */
  readonly buildSystem?: string;
}

export interface ImageOutput {
  readonly name: string;
  readonly attrPath: string;
  readonly drvName?: string;
  readonly system?: string;
  readonly hostSystem?: string;
}

export interface DeployProfileOutput {
  readonly name: string;
  readonly user?: string;
  readonly sshUser?: string;
  /** The profile's path is a derivation (deploy-rs's activate.nixos …): its name, not its value. */
  readonly pathDrvName?: string;
}

export interface DeployNodeOutput {
  readonly name: string;
  readonly attrPath: string;
  readonly hostname?: string;
  readonly sshUser?: string;
  readonly user?: string;
  readonly sshOpts: readonly string[];
  readonly magicRollback?: boolean;
  readonly autoRollback?: boolean;
  readonly confirmTimeout?: number;
  readonly activationTimeout?: number;
  readonly profiles: readonly DeployProfileOutput[];
}

/** Any other top-level output: its kind from `nix flake show`, and its attribute names. */
export interface OtherOutput {
  readonly name: string;
  readonly kind: string;
  readonly children: readonly string[];
}

export interface FlakeOutputs {
  readonly flakeDir: string;
  /** The flake's source in the store: changes whenever any file of the flake changes. */
  readonly sourcePath: string;
  readonly description?: string;
  readonly nixosConfigurations: readonly NixosConfigurationOutput[];
  readonly images: readonly ImageOutput[];
  readonly packages: readonly PackageOutput[];
  readonly deployNodes: readonly DeployNodeOutput[];
  readonly other: readonly OtherOutput[];
}
