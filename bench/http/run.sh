#!/usr/bin/env bash
# Pages under load: the registry list page (signed-in analyst, region 32), the JSON list (bearer
# token), and /healthz as the baseline, side by side in one run, with wrk at 64 connections.
# Usage: bench/http/run.sh [runs=3] [binary=.build-release/release/caqes] [seconds=10]
# Prints one line per run and the medians (requests/s, p99 latency).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3} bin=${2:-.build-release/release/caqes} seconds=${3:-10}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
work=$(mktemp -d)
export DATABASE_URL="sqlite:$work/bench.sqlite" CAQES_STORAGE="$work/storage/" LOG_LEVEL=warning CAQES_PORT=18090
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$bin" demo --no-serve >/dev/null
token=$("$bin" users token --email analyste.hdf@demo.caqes.fr --name bench | tail -n 1)
if curl -fs "http://127.0.0.1:18090/healthz" >/dev/null 2>&1; then echo "port 18090 is taken" >&2; exit 1; fi
"$bin" serve >"$work/serve.log" 2>&1 & pid=$!
base=http://127.0.0.1:18090
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done
jar="$work/cookies"
csrf=$(curl -fs -c "$jar" -b "$jar" "$base/connexion" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "email=analyste.hdf@demo.caqes.fr" \
  --data-urlencode "mot_de_passe=Demo-CAQES-2026!" --data-urlencode "_csrf=$csrf" "$base/connexion"
cookie=$(awk '$6 == "caqes_session" {print "caqes_session=" $7}' "$jar")
[ -n "$cookie" ] || { echo "login failed" >&2; exit 1; }
# The page is read whole before grep: `curl | grep -q` fails under pipefail when grep stops early.
page=$(curl -fs -H "Cookie: $cookie" "$base/etablissements" || true)
if ! grep -q "établissement(s)" <<<"$page"; then
  echo "list page not served: $(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base/etablissements")" >&2
  tail -n 20 "$work/serve.log" >&2
  exit 1
fi

measure() { # name url [header]
  local out
  if [ -n "${3:-}" ]; then out=$(wrk -t2 -c64 -d"${seconds}s" --latency -H "$3" "$2"); else out=$(wrk -t2 -c64 -d"${seconds}s" --latency "$2"); fi
  local rps p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$1 $rps $p99 ${errors:-0}"
}
results="$work/results"
for run in $(seq 1 "$runs"); do
  measure healthz "$base/healthz" | tee -a "$results"
  measure page "$base/etablissements" "Cookie: $cookie" | tee -a "$results"
  measure api "$base/api/v1/establishments" "Authorization: Bearer $token" | tee -a "$results"
done
python3 - "$results" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
def ms(text):
    value = float(text.rstrip("msu")); unit = text.lstrip("0123456789.")
    return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]
for line in open(sys.argv[1]):
    name, rps, p99, errors = line.split()
    rows[name].append((float(rps), ms(p99), int(errors)))
base = statistics.median(r for r, _, _ in rows["healthz"])
for name in ("healthz", "page", "api"):
    rps = statistics.median(r for r, _, _ in rows[name]); p99 = statistics.median(p for _, p, _ in rows[name])
    print(f"{name:8} median {rps:8.0f} req/s  p99 {p99:7.1f} ms  ({rps / base:5.1%} of /healthz)  non-2xx {sum(e for _, _, e in rows[name])}")
PY
