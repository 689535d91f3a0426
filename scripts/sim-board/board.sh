#!/usr/bin/env bash
# The simulated board: a Raspberry-Pi-like board whose whole state is ONE file, its SD card.
#
#   board.sh start [--image IMG] [--detach] [--state DIR] [--index N] [--card-size MiB]
#   board.sh stop | status | reboot | power-cycle | unmount-card | mount-card | card-path
#                                                                    [--state DIR]
#
# - Firmware: Debian's u-boot (qemu_arm) in qemu-system-arm, reading the card as a virtio disk
#   (this u-boot scans virtio, not an SD controller). Its console is a pty with a stable link,
#   STATE/ttyBOARD, that survives qemu restarts (socat holds the pty; serial-relay.sh reconnects
#   it to each new qemu). Everything u-boot prints is also appended to STATE/console.log.
# - Running system: while the board "runs", the card's NIXOS_SD filesystem is mounted once on
#   this machine (STATE/run/card, through a loop device over the card file with its partitions
#   added by partx) and its boot/ and nix/ are bind-mounted as /boot and /nix into a network
#   namespace running sshd. So a deploy there rewrites the extlinux.conf u-boot reads, the
#   /nix/var/nix/profiles/system* links live on the card, and flashing the card resets all of it.
# - Before every reboot and flash the filesystem is unmounted (u-boot does not replay an ext4
#   journal, and the flash policy refuses a mounted card): `unmount-card`, flash
#   `$(board.sh card-path)`, then `reboot` (or `mount-card`).
# - `start` stays in the foreground (Ctrl-C stops the board) unless given --detach. Whatever way
#   it ends, its trap cleans up; `stop` from another shell (even after a kill -9 of `start`)
#   cleans up from the pids and names recorded in STATE/run: no namespace, mount, loop device or
#   process is left behind. The card file, keys and known_hosts stay in STATE for the next start.
#
# STATE defaults to /tmp/nixos-devices-board ($NIXOS_DEVICES_BOARD_DIR overrides it): the
# example workspace's settings name the serial link there. After start, STATE/board.json says
# how to reach the board (ssh host, port, user, key, known_hosts, ssh_config, serial, card).
set -euo pipefail
shopt -s nullglob

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UBOOT_BIN=${SIM_BOARD_UBOOT:-/usr/lib/u-boot/qemu_arm/u-boot.bin}
# Long enough for a loaded 2-core CI box; each is a ceiling, never a fixed sleep.
READY_TIMEOUT_S=20
QEMU_EXIT_TIMEOUT_S=5

die() { printf 'board.sh: %s\n' "$*" >&2; exit 1; }
log() { printf 'board.sh: %s\n' "$*" >&2; }

usage() {
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

command=${1:-}
[ -n "$command" ] || usage
shift
state=${NIXOS_DEVICES_BOARD_DIR:-/tmp/nixos-devices-board}
image=""
detach=0
index=0
card_mib=256
while [ $# -gt 0 ]; do
  case "$1" in
    --state) state=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --detach) detach=1; shift ;;
    --index) index=$2; shift 2 ;;
    --card-size) card_mib=$2; shift 2 ;;
    -h|--help) usage ;;
    *) die "unknown argument '$1' (see board.sh --help)" ;;
  esac
done
[[ "$index" =~ ^[0-9]+$ ]] && [ "$index" -le 255 ] || die "--index must be 0…255, not '$index'"
[[ "$card_mib" =~ ^[0-9]+$ ]] || die "--card-size is a number of MiB, not '$card_mib'"
# Paths in the state folder go into socat addresses (where , : ! and spaces split them), sshd_config
# and board.json as they are: keep them to plain characters.
[[ "$state" =~ ^[A-Za-z0-9._/@+-]+$ ]] || die "the state folder's path may hold only letters, digits and . _ / @ + -: $state"
# Private: it holds the board's client key.
[ -d "$state" ] || mkdir -p -m 700 "$state"
state=$(cd "$state" && pwd)

run=$state/run
card=$state/card.img
mnt=$run/card
tty=$state/ttyBOARD
console_log=$state/console.log
board_json=$state/board.json
client_key=$state/id_ed25519
known_hosts=$state/known_hosts
ssh_config=$state/ssh_config

# ---------------------------------------------------------------- recorded resources (STATE/run)
# Each process is recorded as "pid starttime", so a pid reused after the board died is never
# signalled; names and devices go in run/env (written here, sourced by later commands).

proc_start() { # pid → start time in clock ticks, or nothing (also for a zombie: it has ended)
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  # shellcheck disable=SC2086 # split into the stat fields
  set -- $stat
  [ "$1" = Z ] || printf '%s' "${20}"
}

record_pid() { # name pid
  printf '%s %s\n' "$2" "$(proc_start "$2")" >"$run/$1.pid"
}

recorded_alive() { # name → true when the recorded process still runs
  local pid start
  [ -f "$run/$1.pid" ] || return 1
  read -r pid start <"$run/$1.pid" || return 1
  [ -n "$pid" ] && [ -n "$start" ] && [ "$(proc_start "$pid")" = "$start" ]
}

recorded_pid() { local pid _; read -r pid _ <"$run/$1.pid"; printf '%s' "$pid"; }

# Ends a recorded process group (qemu, the serial relay: each is its own session), TERM first.
kill_recorded_group() { # name
  local name=$1 pid i
  recorded_alive "$name" || { rm -f "$run/$name.pid"; return 0; }
  pid=$(recorded_pid "$name")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < QEMU_EXIT_TIMEOUT_S * 10; i++)); do recorded_alive "$name" || break; sleep 0.1; done
  if recorded_alive "$name"; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; fi
  for ((i = 0; i < 20; i++)); do recorded_alive "$name" || break; sleep 0.1; done
  rm -f "$run/$name.pid"
}

write_env() {
  {
    printf 'netns=%q\n' "nd-sim$index"
    printf 'host_if=%q\n' "ndsimh$index"
    printf 'board_if=%q\n' "ndsimb$index"
    printf 'host_addr=%q\n' "10.78.$index.1"
    printf 'board_addr=%q\n' "10.78.$index.2"
  } >"$run/env"
}

load_env() {
  [ -f "$run/env" ] || return 1
  # shellcheck disable=SC1091 # written by write_env, values %q-quoted
  . "$run/env"
  loop=$(cat "$run/loop" 2>/dev/null || true)
}

# All state changes hold this lock, so `stop` from another shell and the foreground start's trap
# never clean up at the same time. Children must not inherit fd 9, or a killed start would leave
# the lock held by qemu: every background program is started with 9>&-.
lock() {
  exec 9>"$state/.lock"
  flock 9
}
unlock() { exec 9>&-; }

# ---------------------------------------------------------------- the network namespace

# Only a namespace this board made is ever deleted (run/netns-owned): a start that failed
# because another board holds the same --index must not tear that board down.
netns_up() {
  ip netns add "$netns" || die "network namespace $netns exists: another board uses --index $index (board.sh status, or choose another --index)"
  : >"$run/netns-owned"
  ip link add "$host_if" type veth peer name "$board_if"
  ip link set "$board_if" netns "$netns"
  ip addr add "$host_addr/30" dev "$host_if"
  ip link set "$host_if" up
  ip -n "$netns" addr add "$board_addr/30" dev "$board_if"
  ip -n "$netns" link set "$board_if" up
  ip -n "$netns" link set lo up
}

# Every process inside the namespace: sshd, its per-connection children and the sessions they
# started (in their own sessions, so a process-group kill would miss them).
netns_kill_all() {
  local i pids
  for ((i = 0; i < 50; i++)); do
    pids=$(ip netns pids "$netns" 2>/dev/null || true)
    [ -n "$pids" ] || return 0
    # shellcheck disable=SC2086 # a list of pids
    kill -KILL $pids 2>/dev/null || true
    sleep 0.1
  done
  log "processes still in namespace $netns: $pids"
}

netns_down() {
  netns_kill_all
  ip netns del "$netns" 2>/dev/null || true
  ip link del "$host_if" 2>/dev/null || true
}

# ---------------------------------------------------------------- the card

card_loop_attach() {
  loop=$(losetup -f --show "$card")
  printf '%s\n' "$loop" >"$run/loop"
}

# Every loop device over our card file (also one a killed start made but had not recorded yet),
# and nothing else.
card_loop_detach() {
  local device
  for device in $(losetup -n -O NAME -j "$card" 2>/dev/null); do
    partx -d "$device" 2>/dev/null || true
    losetup -d "$device" || log "could not detach $device"
  done
  rm -f "$run/loop"
  loop=""
}

nixos_sd_partition() { # → the partition device labelled NIXOS_SD, or nothing
  local part
  for part in "$loop"p*; do
    if [ "$(blkid -o value -s LABEL "$part" 2>/dev/null || true)" = NIXOS_SD ]; then
      printf '%s' "$part"
      return 0
    fi
  done
}

# The store path of the system the card's extlinux.conf boots by default (APPEND init=…/init).
default_system() {
  awk '
    toupper($1) == "DEFAULT" && !want { want = $2 }
    toupper($1) == "LABEL" { label = $2 }
    toupper($1) == "APPEND" && label == want {
      for (i = 2; i <= NF; i++) if ($i ~ /^init=/) { sub(/^init=/, "", $i); sub(/\/init$/, "", $i); print $i; exit }
    }' "$mnt/boot/extlinux/extlinux.conf" 2>/dev/null || true
}

# What a NixOS SD image does on its first boot, done here because the sim boots no kernel: an
# SSH host key, the image's store paths registered (nix-path-registration) and generation 1.
first_boot() {
  mkdir -p "$mnt/etc/ssh" "$mnt/nix/var/nix/profiles" "$mnt/boot"
  if [ ! -f "$mnt/etc/ssh/ssh_host_ed25519_key" ]; then
    ssh-keygen -q -t ed25519 -N '' -C "root@$(cat "$mnt/etc/hostname" 2>/dev/null || echo board)" -f "$mnt/etc/ssh/ssh_host_ed25519_key"
  fi
  if [ -f "$mnt/nix-path-registration" ]; then
    local system
    system=$(default_system)
    NIX_CONFIG=$'build-users-group =\nsubstituters =\nsandbox = false' \
      nix-store --store "local?root=$mnt" --register-validity <"$mnt/nix-path-registration"
    if [ -n "$system" ] && [ ! -e "$mnt/nix/var/nix/profiles/system" ]; then
      NIX_CONFIG=$'build-users-group =\nsubstituters =\nsandbox = false' \
        nix-env --store "local?root=$mnt" -p "$mnt/nix/var/nix/profiles/system" --set "$system" >/dev/null
      # nix-env wrote the link with the host path of the profile folder; make it board-relative.
      local link
      for link in "$mnt"/nix/var/nix/profiles/system*; do
        if [ -L "$link" ]; then ln -sfn "$(readlink "$link" | sed "s|^$mnt||")" "$link"; fi
      done
    fi
    rm -f "$mnt/nix-path-registration"
  fi
}

write_board_files() {
  [ -f "$client_key" ] || ssh-keygen -q -t ed25519 -N '' -C "nixos-devices sim board client" -f "$client_key"
  # The client key, and the keys of whoever runs the board, so their own ssh (and the
  # extension, which resolves hosts as ssh does) gets in without extra configuration.
  cat "$client_key.pub" ~/.ssh/id_*.pub >"$run/authorized_keys" 2>/dev/null || cp "$client_key.pub" "$run/authorized_keys"
  mkdir -p "$run/root" "$run/nix-conf"
  # root's home is the board's own: the machine's ~/.bashrc (slow here) and ~/.ssh stay out.
  sed "s|^root:\([^:]*\):0:0:\([^:]*\):[^:]*:|root:\1:0:0:\2:$run/root:|" /etc/passwd >"$run/passwd"
  printf 'build-users-group =\nsubstituters =\nsandbox = false\nexperimental-features = nix-command flakes\n' >"$run/nix-conf/nix.conf"
  cat >"$run/sshd_config" <<EOF
Port 22
ListenAddress $board_addr
HostKey $mnt/etc/ssh/ssh_host_ed25519_key
AuthorizedKeysFile $run/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin yes
Subsystem sftp internal-sftp
PidFile none
UseDNS no
MaxStartups 64
SetEnv NIX_CONF_DIR=$run/nix-conf
EOF
  cat >"$ssh_config" <<EOF
# The simulated board (scripts/sim-board/board.sh). Use: ssh -F $ssh_config board
Host board $board_addr
  HostName $board_addr
  Port 22
  User root
  IdentityFile $client_key
  IdentitiesOnly yes
  UserKnownHostsFile $known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
EOF
}

# Mounts NIXOS_SD and starts the board's system (sshd in the namespace). A card without
# NIXOS_SD (empty, or half-written) leaves the board at u-boot with no system, as a real one.
mount_card() {
  [ -n "${loop:-}" ] || die "the board is not running (no card loop device); start it first"
  if mountpoint -q "$mnt"; then return 0; fi
  partx -d "$loop" 2>/dev/null || true
  partx -a "$loop" 2>/dev/null || true
  local part
  part=$(nixos_sd_partition)
  if [ -z "$part" ]; then
    log "the card has no NIXOS_SD filesystem: the board stays at u-boot with no system running"
    rm -f "$run/mounted"
    return 0
  fi
  mkdir -p "$mnt"
  mount "$part" "$mnt"
  printf '%s\n' "$part" >"$run/mounted"
  first_boot
  # /run is a fresh tmpfs on every boot: booted and current system are the one that boots.
  rm -rf "$run/board-run"
  mkdir -p "$run/board-run/sshd"
  local system
  system=$(default_system)
  if [ -n "$system" ]; then
    ln -s "$system" "$run/board-run/booted-system"
    ln -s "$system" "$run/board-run/current-system"
  fi
  printf '%s %s\n' "$board_addr" "$(cut -d' ' -f1-2 "$mnt/etc/ssh/ssh_host_ed25519_key.pub")" >"$known_hosts"
  : >"$run/sshd.log"
  # Its own mount namespace (the card's /boot and /nix, a fresh /run) and host name, as a board.
  # shellcheck disable=SC2016 # $1…$6 are sh's positional parameters
  setsid ip netns exec "$netns" unshare -m -u --propagation private sh -c '
    mount --bind "$1" /boot && mount --bind "$2" /nix && mount --bind "$3" /run &&
    mount --bind "$4" /etc/passwd && hostname "$6" && exec /usr/sbin/sshd -D -e -f "$5"' \
    sh "$mnt/boot" "$mnt/nix" "$run/board-run" "$run/passwd" "$run/sshd_config" \
    "$(head -n 1 "$mnt/etc/hostname" 2>/dev/null || echo board)" \
    </dev/null >/dev/null 2>>"$run/sshd.log" 9>&- &
  record_pid sshd $!
  disown
  local i
  for ((i = 0; i < READY_TIMEOUT_S * 10; i++)); do
    grep -q 'Server listening on' "$run/sshd.log" && return 0
    recorded_alive sshd || break
    sleep 0.1
  done
  cat "$run/sshd.log" >&2
  die "the board's sshd did not start"
}

# Stops the board's system and unmounts NIXOS_SD; the loop device over the card stays.
unmount_card() {
  netns_kill_all
  rm -f "$run/sshd.pid"
  if mountpoint -q "$mnt" 2>/dev/null; then
    sync -f "$mnt" 2>/dev/null || true
    umount "$mnt" || die "could not unmount $mnt: $(fuser -vm "$mnt" 2>&1 || true)"
  fi
  rm -f "$run/mounted"
  if [ -n "${loop:-}" ]; then partx -d "$loop" 2>/dev/null || true; fi
}

# ---------------------------------------------------------------- qemu and the serial line

serial_up() {
  rm -f "$tty"
  # A copy in the state folder: the script's own path may hold characters socat would split at.
  cp "$here/serial-relay.sh" "$run/serial-relay.sh"
  SIM_BOARD_SERIAL_SOCKET=$run/serial.sock setsid socat "pty,raw,echo=0,link=$tty" "EXEC:/bin/sh $run/serial-relay.sh" \
    </dev/null >/dev/null 2>>"$run/socat.log" 9>&- &
  record_pid relay $!
  disown
  local i
  for ((i = 0; i < READY_TIMEOUT_S * 10; i++)); do [ -e "$tty" ] && return 0; sleep 0.1; done
  die "socat did not make the serial link $tty"
}

qemu_up() {
  rm -f "$run/serial.sock" "$run/monitor.sock"
  local before
  before=$(stat -c %s "$console_log" 2>/dev/null || echo 0)
  # wait=on: qemu runs only once the relay is connected, so the banner reaches the console.
  setsid qemu-system-arm -M virt -m 256 -display none -nic none -bios "$UBOOT_BIN" \
    -drive "if=none,file=$card,format=raw,id=hd0,readonly=on" -device virtio-blk-device,drive=hd0 \
    -chardev "socket,id=ser0,path=$run/serial.sock,server=on,wait=on,logfile=$console_log,logappend=on" \
    -serial chardev:ser0 -monitor "unix:$run/monitor.sock,server=on,wait=off" \
    </dev/null >/dev/null 2>>"$run/qemu.log" 9>&- &
  record_pid qemu $!
  disown
  local i
  for ((i = 0; i < READY_TIMEOUT_S * 10; i++)); do
    if [ "$(stat -c %s "$console_log" 2>/dev/null || echo 0)" -gt "$before" ] && tail -c +$((before + 1)) "$console_log" | grep -q 'U-Boot'; then
      return 0
    fi
    recorded_alive qemu || { cat "$run/qemu.log" >&2; die "qemu exited"; }
    sleep 0.1
  done
  die "u-boot printed no banner within ${READY_TIMEOUT_S}s (see $run/qemu.log)"
}

qemu_down() { kill_recorded_group qemu; }

monitor() { # a qemu monitor command
  socat - "UNIX-CONNECT:$run/monitor.sock" <<<"$1" >/dev/null
}

# What u-boot boots is what runs: the first entry it starts after power-on (it prints the
# entry's `append: init=/nix/store/…/init …`) makes /run/booted-system and /run/current-system
# of the board that system, so an older generation chosen from the console menu is the one
# "running". Only the first: the stand-in kernel fails, and u-boot then tries every other entry,
# which a real board never gets to. Until then (right after mount-card) they are the card's
# default entry.
watch_console() {
  local line system started=0
  tail -n 0 -F "$console_log" 2>/dev/null | while IFS= read -r line; do
    case "$line" in
      *"U-Boot 20"*) started=0 ;;
      *"append: init=/nix/store/"*)
        [ "$started" = 0 ] || continue
        started=1
        system=${line#*append: init=}
        system=${system%%/init*}
        if [ -d "$run/board-run" ]; then
          ln -sfn "$system" "$run/board-run/.booted-system.new" && mv -T "$run/board-run/.booted-system.new" "$run/board-run/booted-system"
          ln -sfn "$system" "$run/board-run/.current-system.new" && mv -T "$run/board-run/.current-system.new" "$run/board-run/current-system"
        fi
        ;;
    esac
  done
}

console_watch_up() {
  setsid bash "$here/board.sh" _watch-console --state "$state" </dev/null >/dev/null 2>&1 9>&- &
  record_pid watch $!
  disown
}

# ---------------------------------------------------------------- whole-board operations

# Idempotent; works from any shell with nothing but STATE/run.
cleanup() {
  [ -d "$run" ] || return 0
  load_env || true
  [ -f "$run/netns-owned" ] || netns=""
  if [ -n "${netns:-}" ]; then netns_kill_all; fi
  kill_recorded_group qemu
  kill_recorded_group relay
  kill_recorded_group watch
  if mountpoint -q "$mnt" 2>/dev/null; then umount "$mnt" || umount -l "$mnt" || true; fi
  card_loop_detach
  if [ -n "${netns:-}" ]; then netns_down; fi
  rm -rf "$run" "$board_json"
  rm -f "$tty"
}

prepare_card() {
  if [ -n "$image" ]; then
    local file=$image
    if [ -d "$image" ]; then
      # A Nix result folder: the image it names for Hydra.
      file=$(awk '$1 == "file" && $2 == "sd-image" { print $3; exit }' "$image/nix-support/hydra-build-products" 2>/dev/null || true)
      [ -n "$file" ] || { file=$(printf '%s\n' "$image"/sd-image/*.img* | head -n 1); }
      [ -n "$file" ] && [ -f "$file" ] || die "$image names no SD image (nix-support/hydra-build-products or sd-image/*.img*)"
    fi
    [ -f "$file" ] || die "no image at $file"
    case "$file" in
      *.zst) zstd -dcq "$file" >"$card.new" ;;
      *.xz) xz -dc "$file" >"$card.new" ;;
      *.gz) gzip -dc "$file" >"$card.new" ;;
      *) cp "$file" "$card.new" ;;
    esac
    mv -f "$card.new" "$card"
  elif [ ! -f "$card" ]; then
    # An empty card: u-boot finds nothing to boot on it.
    : >"$card"
  fi
  # A card is bigger than the image written to it (never shrunk).
  truncate -s ">${card_mib}M" "$card"
}

print_board() {
  local mounted=false
  [ -f "$run/mounted" ] && mounted=true
  cat >"$board_json.tmp" <<EOF
{
  "host": "$board_addr",
  "port": 22,
  "user": "root",
  "identityFile": "$client_key",
  "knownHostsFile": "$known_hosts",
  "sshConfig": "$ssh_config",
  "serial": "$tty",
  "card": "$card",
  "cardDevice": "${loop:-}",
  "cardMountpoint": "$mnt",
  "systemRunning": $mounted,
  "netns": "$netns",
  "consoleLog": "$console_log",
  "stateDir": "$state"
}
EOF
  mv -f "$board_json.tmp" "$board_json"
  cat <<EOF
ssh:     root@$board_addr (key $client_key, known_hosts $known_hosts; or: ssh -F $ssh_config board)
serial:  $tty (115200 8N1; u-boot's output also in $console_log)
card:    $card (whole disk ${loop:-}; flash it after: board.sh unmount-card)
system:  $([ "$mounted" = true ] && echo "running (NIXOS_SD mounted at $mnt)" || echo "none (no NIXOS_SD on the card)")
state:   $board_json
EOF
}

supervisor_alive() { recorded_alive supervisor 2>/dev/null; }

cmd_start() {
  lock
  if [ -f "$run/env" ]; then
    if supervisor_alive || recorded_alive qemu; then die "a board is already running in $state (board.sh stop --state $state)"; fi
    log "cleaning up what an earlier board in $state left behind"
    cleanup
  fi
  trap 'lock; cleanup' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  mkdir -p "$run"
  write_env
  load_env
  [ -f "$UBOOT_BIN" ] || die "no u-boot at $UBOOT_BIN (Debian package u-boot-qemu)"
  [ "$detach" = 1 ] || record_pid supervisor $$
  prepare_card
  write_board_files
  : >"$console_log"
  console_watch_up
  netns_up
  card_loop_attach
  serial_up
  qemu_up
  mount_card
  print_board
  unlock
  if [ "$detach" = 1 ]; then
    trap - EXIT INT TERM HUP
    return 0
  fi
  echo "The board runs until Ctrl-C (or board.sh stop --state $state)."
  # `sleep & wait` so a signal runs the trap at once; a killed supervisor leaves at most a 1 s sleep.
  while [ -f "$run/env" ]; do sleep 1 & wait $! || true; done
}

cmd_stop() {
  local supervisor=""
  if [ -f "$run/supervisor.pid" ] && supervisor_alive; then supervisor=$(recorded_pid supervisor); fi
  lock
  cleanup
  unlock
  # The foreground start (if any) sees its state gone and exits; its own trap finds nothing left.
  if [ -n "$supervisor" ]; then
    kill -TERM "$supervisor" 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do kill -0 "$supervisor" 2>/dev/null || break; sleep 0.1; done
  fi
  echo "stopped"
}

require_running() {
  load_env || die "no board is running in $state (board.sh start --state $state)"
  recorded_alive qemu || die "the board in $state is not powered (qemu is not running); board.sh stop, then start"
}

cmd_reboot() {
  lock
  require_running
  unmount_card
  qemu_down
  qemu_up
  mount_card
  print_board >/dev/null
  echo "rebooted"
}

cmd_power_cycle() {
  lock
  require_running
  unmount_card
  monitor system_reset
  mount_card
  print_board >/dev/null
  echo "power-cycled"
}

cmd_status() {
  if ! load_env; then
    echo "stopped"
    return 3
  fi
  local q=down s=none m=no
  recorded_alive qemu && q=up
  recorded_alive sshd && s=running
  mountpoint -q "$mnt" 2>/dev/null && m=yes
  echo "board:   qemu $q, system $s, NIXOS_SD mounted: $m"
  echo "ssh:     root@$board_addr"
  echo "serial:  $tty"
  echo "card:    $card ${loop:-}"
}

cmd_card_path() {
  if load_env && [ -n "${loop:-}" ]; then echo "$loop"; else echo "$card"; fi
}

case "$command" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reboot) cmd_reboot ;;
  power-cycle) cmd_power_cycle ;;
  unmount-card) lock; require_running; unmount_card; print_board >/dev/null; echo "unmounted" ;;
  mount-card) lock; require_running; mount_card; print_board >/dev/null; echo "mounted" ;;
  card-path) cmd_card_path ;;
  _watch-console) watch_console ;;
  *) usage ;;
esac
