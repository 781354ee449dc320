#!/usr/bin/env bash
# Real-browser tests of every user flow (Tests/Browser/, pytest + selenium + headless Chromium).
#
#   scripts/browser-tests.sh [pytest arguments…]
#
# On a fresh Debian machine, installs what is missing: chromium and chromium-driver (apt, as root),
# selenium and pytest (pip). Then runs the suite against the server binary $CAQES_BIN
# (default .build/debug/caqes; build it first with `swift build`). Each run starts its own demo
# platform on a temporary SQLite database and a free loopback port.
# Screenshots, demo.log and server.log: .build/screenshots/ (CAQES_SCREENSHOTS to change).
# Exit status: pytest's (non-zero when a test fails).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

export CAQES_ROOT="$root"
export CAQES_BIN="${CAQES_BIN:-.build/debug/caqes}"
export CAQES_SCREENSHOTS="${CAQES_SCREENSHOTS:-$root/.build/screenshots}"
python="${PYTHON:-python3}"

# --- What the suite needs -----------------------------------------------------------------------
apt_updated=""
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "Paquets Debian manquants : $* — relancez en root, ou installez-les." >&2
    exit 2
  fi
  echo "Installation de $* (apt)…"
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt_install chromium chromium-driver
fi
# The evaluation flow lets its legal periods end by running the expiry jobs as if the days had
# passed, under libfaketime.
if ! command -v faketime >/dev/null 2>&1; then
  apt_install faketime
fi

# selenium and pytest: the given Python's (PYTHON, default python3) if it has them, else pip.
# Debian's own python3 refuses `pip install` (PEP 668, externally managed): then a virtual
# environment under .build/browser-venv/ gets them.
venv="$root/.build/browser-venv"
has_modules() { "$1" -c 'import selenium, pytest' >/dev/null 2>&1; }
if ! has_modules "$python"; then
  if [ -x "$venv/bin/python" ] && has_modules "$venv/bin/python"; then
    python="$venv/bin/python"
  else
    echo "Installation de selenium et pytest (pip)…"
    if ! "$python" -m pip install --quiet selenium pytest; then
      echo "pip refuse d'installer pour $python : environnement virtuel $venv" >&2
      if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then apt_install python3-venv python3-pip; fi
      "$python" -m venv "$venv"
      "$venv/bin/python" -m pip install --quiet selenium pytest
      python="$venv/bin/python"
    fi
  fi
fi
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"

bin="$CAQES_BIN"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
if [ ! -x "$bin" ]; then
  echo "Binaire du serveur introuvable : $bin (compilez avec « swift build », ou donnez CAQES_BIN)." >&2
  exit 2
fi

# --- Run, and stop every server this run started ------------------------------------------------
mkdir -p "$CAQES_SCREENSHOTS"
rm -f "$CAQES_SCREENSHOTS"/*.png
work="$(mktemp -d -t caqes-browser-tests.XXXXXX)"
# Every temporary file of the run (demo database, storage, Chromium profiles, pytest's tmp_path)
# goes under $work, which the trap removes even when pytest was killed.
export TMPDIR="$work"
export CAQES_BROWSER_PIDFILE="$work/started.pids"
: >"$CAQES_BROWSER_PIDFILE"
pytest_pid=""

cleanup() {
  # pytest turns SIGTERM into an interruption and tears its fixtures down (servers, browsers).
  if [ -n "$pytest_pid" ] && kill -0 "$pytest_pid" 2>/dev/null; then
    kill -TERM "$pytest_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pytest_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pytest_pid" 2>/dev/null || true
  fi
  # What is still listed was not stopped by pytest: stop it here, by its own id.
  while read -r kind id; do
    [ -n "${id:-}" ] || continue
    target="$id"
    [ "$kind" = browser ] && target="-$id"  # chromedriver's process group: chromedriver + Chromium
    if kill -0 -- "$target" 2>/dev/null; then
      echo "Arrêt de $kind $id" >&2
      kill -TERM -- "$target" 2>/dev/null || true
      for _ in $(seq 1 10); do kill -0 -- "$target" 2>/dev/null || break; sleep 0.5; done
      kill -KILL -- "$target" 2>/dev/null || true
    fi
  done <"$CAQES_BROWSER_PIDFILE"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

run_suite() {
  status=0
  "$python" -m pytest -rA "$root/Tests/Browser" "$@" &
  pytest_pid=$!
  wait "$pytest_pid" || status=$?
  pytest_pid=""
}
run_suite "$@"
if [ "$status" -ne 0 ] && [ "$status" -ne 130 ] && [ "$status" -ne 143 ]; then
  # A real browser on a shared 2-core machine can miss a wait once (seen once in ten runs while
  # other work ran): the whole suite runs a second time, on a fresh platform, and that run decides.
  # The failures of the first run stay above, with their screenshots (…-ECHEC.png).
  echo "Échec au premier passage : second passage complet de la suite."
  CAQES_SCREENSHOTS="$CAQES_SCREENSHOTS/second-passage" run_suite "$@"
fi
echo "Captures d'écran : $CAQES_SCREENSHOTS"
exit "$status"
