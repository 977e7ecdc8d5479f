#!/usr/bin/env bash
# CI: the README's Quick start on a fresh machine. A minimal Debian 12 (debootstrap --variant=minbase) with only
# python3, sudo and an X server (xvfb, xauth, x11-utils: the stand-in for a desktop), a normal user with
# passwordless sudo, and this repository cloned into their home. As that user, README.md's first Quick start
# block runs under xvfb-run until ovexplorer's main window exists (then it is closed), and the second block runs.
# The blocks are read from README.md itself (.ci/readme_blocks.py), so README and CI cannot drift apart.
#   sudo .ci/fresh_machine.sh          (root: debootstrap, chroot, mounts)
# Env: FRESH_CACHE (default /var/cache/ovexplorer-ci) keeps the minimal system as a tarball between runs, keyed
# by the release, the stand-in packages and the ISO week (so security updates arrive weekly);
# FRESH_WINDOW_TIMEOUT (s, default 1500) bounds block 1; FRESH_KEEP=1 keeps the system (FRESH_ROOT) for a look;
# FRESH_README runs the blocks of another README (to try an edit before committing it).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
RELEASE=bookworm
MIRROR=http://deb.debian.org/debian
STANDIN="python3 sudo xvfb xauth x11-utils"
NEWCOMER=newcomer
CACHE="${FRESH_CACHE:-/var/cache/ovexplorer-ci}"
WINDOW_TIMEOUT="${FRESH_WINDOW_TIMEOUT:-1500}"
T0=$(date +%s)
log() { echo "fresh: [$(( $(date +%s) - T0 )) s] $*"; }

if [ "$(id -u)" -ne 0 ] || [ "$(uname -s)" != Linux ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "fresh: needs root on a Debian-like Linux (debootstrap, chroot, mounts)" >&2
  exit 2
fi
for tool in debootstrap:debootstrap git:git xwd:x11-apps; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    log "installing ${tool#*:} on the host"
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${tool#*:}" >/dev/null
  fi
done

ROOT="${FRESH_ROOT:-$(mktemp -d /var/tmp/ovexplorer-fresh.XXXXXX)}"
mkdir -p "$ROOT"
mounted=()
cleanup() {
  local status=$?
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  if [ "${FRESH_KEEP:-0}" = 1 ]; then echo "fresh: kept $ROOT"; else rm -rf --one-file-system "$ROOT"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The minimal system with the stand-in desktop, from the cache or made now.
key="$RELEASE-minbase-$(printf '%s' "$STANDIN" | sha256sum | cut -c1-8)-$(date +%G-w%V)"
tarball="$CACHE/$key.tar.gz"
if [ -f "$tarball" ]; then
  tar -C "$ROOT" -xzf "$tarball"
  log "minimal Debian 12 from the cache $tarball"
else
  log "debootstrap --variant=minbase $RELEASE (not cached: $tarball)"
  debootstrap --variant=minbase "$RELEASE" "$ROOT" "$MIRROR" > "$ROOT.debootstrap.log" 2>&1 \
    || { tail -20 "$ROOT.debootstrap.log"; exit 1; }
  rm -f "$ROOT.debootstrap.log"
  log "debootstrap done; installing the stand-in desktop: $STANDIN"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
    "apt-get update -qq && apt-get install -y -qq --no-install-recommends $STANDIN >/dev/null && apt-get clean"
  mkdir -p "$CACHE"
  rm -f "$CACHE/$RELEASE"-minbase-*.tar.gz
  tar -C "$ROOT" -czf "$tarball.part" . && mv "$tarball.part" "$tarball"
  log "cached as $tarball ($(du -h "$tarball" | cut -f1))"
fi
chmod 0755 "$ROOT"  # mktemp made it 0700: the system's / must be open to its users
log "$(chroot "$ROOT" dpkg-query -W -f='${db:Status-Abbrev}\n' | grep -c '^ii') packages installed"

# 2. The machine's set-up: name resolution, mounts, a user with passwordless sudo, the repository in their home.
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
grep -q "$(hostname)" "$ROOT/etc/hosts" 2>/dev/null || echo "127.0.1.1 $(hostname)" >> "$ROOT/etc/hosts"
# This network's trust settings, as every machine on it has them: the host's own CA certificates (a TLS-inspecting
# proxy) and the variables that point pip (whose venv copy trusts only its own CA list) at the system store.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$ROOT/usr/local/share/ca-certificates" "$ROOT/etc/ssl/certs"
  cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/"  # kept if ca-certificates comes
  cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
fi
for var in PIP_CERT SSL_CERT_FILE REQUESTS_CA_BUNDLE; do
  if [ -n "${!var:-}" ]; then echo "$var=${!var}" >> "$ROOT/etc/environment"; fi
done
mount -t proc proc "$ROOT/proc" && mounted+=("$ROOT/proc")
for d in /sys /dev /dev/pts /dev/shm; do
  mkdir -p "$ROOT$d"
  mount --bind "$d" "$ROOT$d" && mounted+=("$ROOT$d")
done
chroot "$ROOT" useradd -m -s /bin/bash "$NEWCOMER"
echo "$NEWCOMER ALL=(ALL) NOPASSWD:ALL" > "$ROOT/etc/sudoers.d/$NEWCOMER"
chmod 0440 "$ROOT/etc/sudoers.d/$NEWCOMER"
HOMEDIR="$ROOT/home/$NEWCOMER"
git clone -q "$REPO" "$HOMEDIR/ovexplorer"
readme="${FRESH_README:-$HOMEDIR/ovexplorer/README.md}"  # FRESH_README: try a README edit before committing it
python3 "$HERE/readme_blocks.py" 1 "$readme" > "$HOMEDIR/block1.sh"
python3 "$HERE/readme_blocks.py" 2 "$readme" > "$HOMEDIR/block2.sh"
echo "fresh: README block 1:"; sed 's/^/    | /' "$HOMEDIR/block1.sh"
echo "fresh: README block 2:"; sed 's/^/    | /' "$HOMEDIR/block2.sh"
# Block 1 in its own session (so that the window can be closed with everything it started), under xvfb-run;
# the main window is found with xwininfo, as a user would see it appear.
cat > "$HOMEDIR/window.sh" <<'WINDOW'
#!/bin/bash
cd ~/ovexplorer
# Top-level windows of class ovexplorer, with their titles (UTF-8: the user's locale may be unset, C).
windows() { LC_ALL=C.UTF-8 xwininfo -root -tree 2>/dev/null | grep -E '": \("ovexplorer" "ovexplorer"\)'; }
setsid bash ../block1.sh > ../block1.log 2>&1 &
pid=$!
start=$(date +%s)
while :; do
  title="$(windows | head -1)"
  if [ -n "$title" ]; then
    echo "window: up after $(( $(date +%s) - start )) s"
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"
    echo "window: block 1 ended with exit code $? before a window appeared"
    exit 1
  fi
  if [ $(( $(date +%s) - start )) -ge "$1" ]; then
    echo "window: none after $1 s"
    kill -TERM -- "-$pid"
    exit 1
  fi
  sleep 1
done
# The sample model opens: the title names it (within 120 s), and the app is still running 3 s later.
for _ in $(seq 120); do windows | grep -q '"regression.xml' && break; sleep 1; done
sleep 3
windows | sed 's/^ */window: /'
if ! windows | grep -q '"regression.xml'; then echo "window: the sample model did not open"; kill -TERM -- "-$pid"; exit 1; fi
echo "window: the sample model is open after $(( $(date +%s) - start )) s"
touch ../window-open  # the host takes a screenshot now (x11-apps' xwd is not part of the stand-in)
for _ in $(seq 20); do [ -e ../screenshot-taken ] && break; sleep 0.5; done
if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; echo "window: the app exited ($?) right after its window appeared"; exit 1; fi
kill -TERM -- "-$pid"
wait "$pid" 2>/dev/null
echo "window: closed"
WINDOW
chroot "$ROOT" chown -R "$NEWCOMER:$NEWCOMER" "/home/$NEWCOMER"
as_newcomer() { chroot "$ROOT" su - "$NEWCOMER" -c "$1"; }

# A display number free on the host too (an X server's abstract socket is shared across the chroot); far from
# the :99 where xvfb-run of other jobs on this machine start.
display=$((300 + $$ % 200))
while [ -e "/tmp/.X$display-lock" ] || grep -q "/tmp/.X11-unix/X$display\$" /proc/net/unix; do display=$((display + 1)); done

# 3. README block 1 until the main window exists.
log "README block 1 under xvfb-run (display :$display) until the main window exists"
t1=$(date +%s)
rc=0
# The screenshot of the open window, from the host (the X server's socket is shared): .ci/fresh-screen.xwd.
( for _ in $(seq "$WINDOW_TIMEOUT"); do [ -e "$HOMEDIR/window-open" ] && break; sleep 1; done
  if [ -e "$HOMEDIR/window-open" ]; then
    DISPLAY=":$display" XAUTHORITY="$(ls "$ROOT"/tmp/xvfb-run.*/Xauthority | head -1)" xwd -root -silent \
      > "$HERE/fresh-screen.xwd" 2>/dev/null || echo "fresh: no screenshot"
    touch "$HOMEDIR/screenshot-taken"
  fi ) &
shooter=$!
as_newcomer "xvfb-run -n $display -s '-screen 0 1280x1024x24' bash ~/window.sh $WINDOW_TIMEOUT" || rc=$?
kill "$shooter" 2>/dev/null || true
echo "fresh: block 1 output (last 30 lines):"
tail -30 "$HOMEDIR/block1.log" | sed 's/^/    | /'
[ -s "$HERE/fresh-screen.xwd" ] && echo "fresh: screenshot of the window: .ci/fresh-screen.xwd"
if [ "$rc" -ne 0 ]; then log "FAILED: README block 1 did not bring up the window"; exit 1; fi
log "README block 1: window up and closed in $(( $(date +%s) - t1 )) s"

# 4. README block 2: the tests, as the same user, in the same clone.
log "README block 2"
t2=$(date +%s)
rc=0
as_newcomer "cd ~/ovexplorer && bash ../block2.sh" > "$HOMEDIR/block2.log" 2>&1 || rc=$?
tail -15 "$HOMEDIR/block2.log" | sed 's/^/    | /'
if [ "$rc" -ne 0 ]; then log "FAILED: README block 2 exited $rc"; exit 1; fi
grep -Eq '[0-9]+ passed' "$HOMEDIR/block2.log" || { log "FAILED: README block 2 passed no test"; exit 1; }
log "README block 2 passed in $(( $(date +%s) - t2 )) s"
log "passed: the README's Quick start works on a fresh Debian 12 ($(( $(date +%s) - T0 )) s in all)"
