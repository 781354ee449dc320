#!/usr/bin/env bash
# Times `caqes import finess` on the full FINESS extract (95,333 rows) into a fresh SQLite file,
# then the re-import of the same file (must change nothing). Budget: < 30 s for the first import.
# Usage: bench/registry/finess-import.sh [runs=5] [debug|release=release]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
config=${2:-release}
swift build -c "$config" --product caqes >/dev/null
bin=".build/$config/caqes"
out=bench/out/registry
mkdir -p "$out"
csv="$out/finess_et_20210108.csv"
[ -f "$csv" ] || gzip -dc ../shared/data/finess/finess_et_20210108.csv.gz > "$csv"
first=(); again=()
for i in $(seq 1 "$runs"); do
  db="$out/bench-$i.sqlite"; rm -f "$db"*
  DATABASE_URL="sqlite:$db" "$bin" migrate >/dev/null
  t0=$(date +%s.%N); DATABASE_URL="sqlite:$db" "$bin" import finess "$csv" > "$out/first-$i.log"; t1=$(date +%s.%N)
  DATABASE_URL="sqlite:$db" "$bin" import finess "$csv" > "$out/again-$i.log"; t2=$(date +%s.%N)
  first+=("$(python3 -c "print($t1 - $t0)")"); again+=("$(python3 -c "print($t2 - $t1)")")
  rm -f "$db"*
done
python3 - "${first[*]}" "${again[*]}" "$(tail -n1 "$out/again-1.log")" <<'PY'
import statistics, sys
first = [float(x) for x in sys.argv[1].split()]; again = [float(x) for x in sys.argv[2].split()]
print(f"import (fresh database): median {statistics.median(first):.2f} s  runs {', '.join(f'{x:.2f}' for x in first)}")
print(f"re-import (no change):  median {statistics.median(again):.2f} s  runs {', '.join(f'{x:.2f}' for x in again)}")
print(f"budget 30 s: {'met' if statistics.median(first) < 30 else 'MISSED'}; last re-import said: {sys.argv[3]}")
PY
