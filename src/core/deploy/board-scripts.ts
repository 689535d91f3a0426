/**
 * The POSIX sh scripts the built-in engine runs on the board. Each is a constant: values reach it
 * only as positional arguments (`sh -c SCRIPT NAME ARG…`, every word quoted by quoteArgv), never
 * spliced into the text. They use only the board's own tools (sh, coreutils, nix-env), so no
 * build-host binary runs on the board (no "Exec format error" across architectures).
 */

/**
 * Magic rollback, run detached from the SSH session (systemd-run or setsid).
 * Arguments: state dir, profile, system, action (switch|boot), confirm timeout in seconds
 * (0 = no confirmation wait), activation timeout in seconds, gc root (or "").
 *
 * State files (each written to a temporary name then renamed, so a reader sees all or nothing):
 * status (setting-profile, activating, activated, rolling-back, done), previous-system,
 * previous-generation, new-generation, verdict, outcome (`confirmed` | `rolled-back REASON` |
 * `failed REASON`), rollback-error. The verdict is decided by whoever creates `decided` first
 * (mkdir is atomic): the client's confirmation or rollback request, or this watchdog at the
 * deadline. So a confirmation that arrives after the deadline finds `decided` taken and the
 * deploy ends rolled back, never half-way.
 *
 * While it waits for the verdict it reads the clock only every 10th 50 ms pause (so the deadline
 * is kept within about half a second): every `date` is a process, and a board (or many boards
 * deployed at once) should spend its CPU on the activation, not on the wait. Without fractional
 * `sleep` it pauses 1 s and reads the clock every time.
 */
export const MAGIC_ROLLBACK_SCRIPT = `set -u
state=$1; profile=$2; system=$3; action=$4; timeout=$5; activation_timeout=$6; gcroot=$7
PATH=$PATH:/run/current-system/sw/bin:/nix/var/nix/profiles/default/bin; export PATH
mkdir -p "$state" || exit 1
exec </dev/null >>"$state/log" 2>&1
ln -sfn "$state" "$(dirname "$state")/last" || true
put() { printf '%s\\n' "$2" > "$state/.$1.tmp" && mv -f "$state/.$1.tmp" "$state/$1"; }
generation() { readlink "$profile" 2>/dev/null | sed -n 's/^.*-\\([0-9][0-9]*\\)-link$/\\1/p'; }
decide() { if mkdir "$state/decided" 2>/dev/null; then put verdict "$1"; fi; }
every=1; n=0
pause() { if [ "$every" -gt 1 ]; then sleep 0.05; elif sleep 0.05 2>/dev/null; then every=10; else sleep 1; fi; }
finish() { put outcome "$1"; if [ -n "$gcroot" ]; then rm -f "$gcroot"; fi; put status done; exit 0; }
put pid "$$"
if [ -n "$gcroot" ]; then mkdir -p "$(dirname "$gcroot")" && ln -sfn "$system" "$gcroot"; fi
prev_system=$(readlink -f "$profile" 2>/dev/null || true)
prev_gen=$(generation)
put previous-system "$prev_system"
put previous-generation "$prev_gen"
put status setting-profile
if ! nix-env -p "$profile" --set "$system"; then finish "failed set-profile"; fi
new_gen=$(generation)
put new-generation "$new_gen"
put status activating
if command -v timeout >/dev/null 2>&1 && [ "$activation_timeout" -gt 0 ]; then
  timeout "$activation_timeout" "$system/bin/switch-to-configuration" "$action" && activated=1 || activated=0
else
  "$system/bin/switch-to-configuration" "$action" && activated=1 || activated=0
fi
if [ "$activated" = 0 ]; then
  decide "rollback activation-failed"
elif [ "$timeout" -le 0 ]; then
  decide confirm
else
  put status activated
  deadline=$(( $(date +%s) + timeout ))
  while [ ! -f "$state/verdict" ]; do
    if [ $((n % every)) -eq 0 ] && [ "$(date +%s)" -ge "$deadline" ]; then decide "rollback timeout"; fi
    n=$((n + 1))
    [ -f "$state/verdict" ] || pause
  done
fi
while [ ! -f "$state/verdict" ]; do pause; done
verdict=$(cat "$state/verdict")
if [ "$verdict" = confirm ]; then finish confirmed; fi
put status rolling-back
if [ -n "$prev_gen" ] && [ "$prev_gen" != "$new_gen" ]; then
  nix-env -p "$profile" --switch-generation "$prev_gen" || put rollback-error "could not switch the profile back to generation $prev_gen"
  nix-env -p "$profile" --delete-generations "$new_gen" || put rollback-error "could not delete generation $new_gen"
elif [ -z "$prev_gen" ] && [ -n "$new_gen" ]; then
  rm -f "$profile" "$profile-$new_gen-link"
fi
if [ -n "$prev_system" ]; then
  "$prev_system/bin/switch-to-configuration" "$action" || put rollback-error "the previous system's switch-to-configuration $action failed"
fi
finish "rolled-back \${verdict#rollback }"
`;

/**
 * Waits on the board (up to $3 seconds) until the deploy's status is one of the words in $2 (or
 * differs from every status when $2 is empty), then prints the state as `key=value` lines. A long
 * poll: the client learns of the change at once, and a reply that does not come within the limit
 * tells it the link is gone. The loop forks only its `sleep`: the status is read with the shell's
 * own `read`, and the clock every 10th pause (the limit is kept within about half a second).
 */
export const WAIT_STATE_SCRIPT = `state=$1; wanted=$2; limit=$3
end=$(( $(date +%s) + limit ))
every=1; n=0
while [ -n "$wanted" ]; do
  status=none
  { IFS= read -r status <"$state/status"; } 2>/dev/null
  case " $wanted " in *" $status "*) break ;; esac
  if [ $((n % every)) -eq 0 ]; then [ "$(date +%s)" -lt "$end" ] || break; fi
  n=$((n + 1))
  if [ "$every" -gt 1 ]; then sleep 0.05; elif sleep 0.05 2>/dev/null; then every=10; else sleep 1; fi
done
for f in status outcome verdict previous-system previous-generation new-generation rollback-error; do
  if [ -f "$state/$f" ]; then v=; { IFS= read -r v <"$state/$f"; } 2>/dev/null; printf '%s=%s\\n' "$f" "$v"; fi
done
exit 0
`;

/**
 * Starts MAGIC_ROLLBACK_SCRIPT ($1) detached from the SSH session, with the remaining arguments:
 * under systemd-run with nixos-rebuild's unit name where systemd runs ($2 = auto or
 * systemd-run), else with setsid. One round trip instead of probe, mkdir and launch.
 */
export const LAUNCH_SCRIPT = `script=$1; detach=$2; shift 2
mkdir -p "$1" || exit 1
if [ "$detach" = systemd-run ] || { [ "$detach" = auto ] && [ -d /run/systemd/system ]; }; then
  exec systemd-run --collect --no-ask-password --quiet --service-type=exec --unit=nixos-rebuild-switch-to-configuration -- /bin/sh -c "$script" nixos-devices-magic-rollback "$@"
fi
exec setsid -f /bin/sh -c "$script" nixos-devices-magic-rollback "$@"
`;

/**
 * The client's verdict ($2: `confirm` or `rollback REASON`) for the deploy in $1: it counts only
 * if this creates `decided`. Prints `decided`, `already-decided` or `missing`.
 */
export const DECIDE_SCRIPT = `state=$1; verdict=$2
if [ ! -f "$state/status" ]; then echo missing; exit 0; fi
if mkdir "$state/decided" 2>/dev/null; then
  printf '%s\\n' "$verdict" > "$state/.verdict.tmp" && mv -f "$state/.verdict.tmp" "$state/verdict"
  echo decided
else
  echo already-decided
fi
`;

/** Prints each store path given on stdin that the board's store lacks (nix-store 2.8 has no
 * --stdin; xargs keeps long closures off one command line). */
export const PRINT_INVALID_SCRIPT = `xargs -r nix-store --check-validity --print-invalid`;

/** Where `$0` of each script points, so `ps` on the board names what runs. */
export const SCRIPT_NAMES = {
  magicRollback: 'nixos-devices-magic-rollback',
  waitState: 'nixos-devices-wait-state',
  launch: 'nixos-devices-launch',
  decide: 'nixos-devices-decide',
  printInvalid: 'nixos-devices-print-invalid',
} as const;
