# Stand-ins for nixpkgs' NixOS machinery, so the example needs no inputs. Each derivation is built
# by /bin/sh with the build machine's tools (sandbox off), like the tests' Nix set-up.
{ buildSystem }:
let
  mkDrv = name: script: attrs: derivation ({
    inherit name;
    system = buildSystem;
    builder = "/bin/sh";
    args = [ "-c" script ];
    PATH = "/bin:/usr/bin:/sbin:/usr/sbin";
  } // attrs);

  # What pkgsCross sets on a derivation: built on buildSystem, runs on hostSystem.
  crossAttrs = hostSystem: {
    stdenv = { hostPlatform.system = hostSystem; buildPlatform.system = buildSystem; };
  };
in
rec {
  tool = { name, hostSystem }:
    (mkDrv "${name}-0.1.0" ''
      mkdir -p $out/bin
      printf '#!/bin/sh\necho "${name} (stand-in) for ${hostSystem}"\n' > $out/bin/${name}
      chmod +x $out/bin/${name}
    '' { }) // crossAttrs hostSystem;

  # simEnv: the text of <system>/sim-env (see switch-to-configuration.sh), for tests; nonce makes
  # every test run's systems new store paths; extraPackages end up in the system's closure.
  nixosSystem = { hostName, hostSystem, generation, kernelParams, kernelVersion ? "6.1.21", simEnv ? "", nonce ? "", extraPackages ? [ ] }:
    let
      kernel = mkDrv "linux-${kernelVersion}-${hostSystem}" ''
        mkdir -p $out
        printf 'stand-in zImage for ${hostSystem}\n' > $out/zImage
      '' { };
      initrd = mkDrv "initrd-${hostName}" ''
        mkdir -p $out
        printf 'stand-in initrd\n' > $out/initrd
      '' { };
      toplevel = mkDrv "nixos-system-${hostName}-23.05.${generation}" ''
        mkdir -p $out/bin
        echo "23.05.${generation}" > $out/nixos-version
        echo "${builtins.concatStringsSep " " kernelParams}" > $out/kernel-params
        ln -s ${kernel}/zImage $out/kernel
        ln -s ${initrd}/initrd $out/initrd
        printf '#!/bin/sh\necho init\n' > $out/init
        chmod +x $out/init
        cp ${./switch-to-configuration.sh} $out/bin/switch-to-configuration
        cp ${./extlinux-conf-builder.sh} $out/bin/extlinux-conf-builder
        chmod +x $out/bin/switch-to-configuration $out/bin/extlinux-conf-builder
        if [ -n "$simEnv" ]; then printf '%s\n' "$simEnv" > $out/sim-env; fi
        if [ -n "$extraPackages" ]; then printf '%s\n' $extraPackages > $out/packages; fi
      '' ({ inherit simEnv extraPackages; } // (if nonce == "" then { } else { inherit nonce; }));
      # exportReferencesGraph: the system's closure goes on the card with its registration, as
      # NixOS's sd-image does (the board registers it and makes generation 1 on first boot).
      sdImage = mkDrv "nixos-sd-image-23.05.${generation}-${hostSystem}.img" ''
        sh ${./make-sd-image.sh} ${toplevel} "${hostName}" "${builtins.concatStringsSep " " kernelParams}"
      '' { exportReferencesGraph = [ "closure" toplevel ]; };
    in
    {
      config = {
        networking.hostName = hostName;
        nixpkgs.hostPlatform.system = hostSystem;
        nixpkgs.buildPlatform.system = buildSystem;
        system.build = { inherit toplevel sdImage; };
      };
    };
}
