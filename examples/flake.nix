{
  # A flake shaped like the seed's (../shared/seed): a Raspberry Pi 2 "vulpix" cross-built from
  # x86_64, its SD image, humility native and cross, and a deploy-rs style deploy node.
  # It has no inputs and needs no nixpkgs, so it evaluates and builds offline: the board is
  # simulated (scripts/ starts it), and the "NixOS system" is a small stand-in closure with the
  # files a real one has (nixos-version, kernel, initrd, kernel-params, init,
  # bin/switch-to-configuration).
  description = "NixOS Devices example: a simulated Raspberry Pi 2 board";

  outputs = { self }:
    let
      buildSystem = "x86_64-linux";
      sim = import ./sim { inherit buildSystem; };
    in
    {
      nixosConfigurations.vulpix = sim.nixosSystem {
        hostName = "vulpix";
        hostSystem = "armv7l-linux";
        generation = "1";
        kernelParams = [ "console=ttyAMA0,115200" "coherent_pool=4M" ];
      };

      images.vulpix = self.nixosConfigurations.vulpix.config.system.build.sdImage;

      packages.${buildSystem} = {
        humility = sim.tool { name = "humility"; hostSystem = buildSystem; };
        # pkgsCross.armv7l-hf-multiplatform: built here, runs on the board.
        humility-cross-armv7l-linux = sim.tool { name = "humility"; hostSystem = "armv7l-linux"; };
        # Also cross-built, but nothing in its name says so: the Flake view must tell it by its
        # host platform, not by its name.
        board-monitor = sim.tool { name = "board-monitor"; hostSystem = "armv7l-linux"; };
        default = self.packages.${buildSystem}.humility;
      };

      # The simulated board (scripts/sim-board/board.sh start): its address, and the key and
      # known_hosts it writes to its state folder.
      deploy.nodes.vulpix = {
        hostname = "10.78.0.2";
        sshUser = "root";
        sshOpts = [ "-F" "/tmp/nixos-devices-board/ssh_config" "-i" "/tmp/nixos-devices-board/id_ed25519" ];
        magicRollback = true;
        confirmTimeout = 30;
        profiles.system = {
          user = "root";
          path = self.nixosConfigurations.vulpix.config.system.build.toplevel;
        };
      };
    };
}
