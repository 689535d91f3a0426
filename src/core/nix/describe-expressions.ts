/**
 * Nix functions passed to `nix eval --json --apply`. They return only names and scalars: a
 * derivation becomes its name and platforms, a NixOS configuration a marker, so listing a flake
 * never serialises a derivation or a whole configuration (which could build or take minutes).
 * They are constants: no user input is ever spliced into Nix code.
 */

/** Platforms of each nixosConfiguration. `or` guards each path: a missing attribute is not an
 * error tryEval can catch. */
export const DESCRIBE_NIXOS_CONFIGURATIONS = `cfgs: builtins.mapAttrs (name: c:
  let
    cfg = c.config or {};
    host = cfg.nixpkgs.hostPlatform.system or cfg.nixpkgs.localSystem.system or c.pkgs.stdenv.hostPlatform.system or cfg.nixpkgs.system or null;
    build = cfg.nixpkgs.buildPlatform.system or c.pkgs.stdenv.buildPlatform.system or null;
    hostOk = builtins.tryEval host;
    buildOk = builtins.tryEval build;
  in {
    hostSystem = if hostOk.success && builtins.isString hostOk.value then hostOk.value else null;
    buildSystem = if buildOk.success && builtins.isString buildOk.value then buildOk.value else null;
  }) cfgs`;

/** Name and platforms of every package, per system. */
export const DESCRIBE_PACKAGES = `systems: builtins.mapAttrs (system: pkgs: builtins.mapAttrs (name: p:
  let
    host = builtins.tryEval (p.stdenv.hostPlatform.system or null);
    drvName = builtins.tryEval (p.name or null);
  in {
    drvName = if drvName.success && builtins.isString drvName.value then drvName.value else null;
    hostSystem = if host.success && builtins.isString host.value then host.value else null;
  }) pkgs) systems`;

/** A bounded, lazy-safe outline of any value: attribute names, scalars, derivation names. */
export const DESCRIBE_VALUE = `let
  maxNames = 200;
  describe = depth: v:
    let t = builtins.tryEval v; in
    if !t.success then { kind = "error"; }
    else let x = t.value; in
    if builtins.isAttrs x then
      (if (x.type or null) == "derivation" then {
        kind = "derivation";
        name = let n = builtins.tryEval (x.name or null); in if n.success then n.value else null;
        system = let s = builtins.tryEval (x.system or null); in if s.success && builtins.isString s.value then s.value else null;
        hostSystem = let h = builtins.tryEval (x.stdenv.hostPlatform.system or null); in if h.success && builtins.isString h.value then h.value else null;
      }
      else if x ? config && x ? options then { kind = "nixos-configuration"; }
      else if depth == 0 || builtins.length (builtins.attrNames x) > maxNames then { kind = "attrs"; names = builtins.attrNames x; }
      else { kind = "attrs"; attrs = builtins.mapAttrs (n: describe (depth - 1)) x; })
    else if builtins.isFunction x then { kind = "function"; }
    else if builtins.isList x then
      (if builtins.length x <= maxNames && builtins.all (e: builtins.isString e || builtins.isInt e || builtins.isBool e) x
       then { kind = "list"; items = x; } else { kind = "list"; length = builtins.length x; })
    else if builtins.isString x || builtins.isInt x || builtins.isBool x || builtins.isFloat x || x == null then { kind = "scalar"; value = x; }
    else if builtins.isPath x then { kind = "scalar"; value = toString x; }
    else { kind = "other"; };
in describe 6`;
