#!/usr/bin/env bash
# Open PHMEV import benchmark: caqes aggregation against DuckDB on the same synthetic file.
#
#   bench/phmev/run.sh [ROWS] [SEED]        (default 3,500,000 rows — one year — seed 42)
#
# Generates bench/out/phmev-ROWS-SEED.csv once (bench/gen-phmev), then runs 5 times each, in
# turn: (a) caqes-bench-phmev, the aggregation `caqes import phmev` runs, and (b) DuckDB (PyPI
# `duckdb`) computing the same per-establishment sums with the same rules. Each run's listing
# (finess;measure;value, every establishment × measure) must be identical to the cent. Prints
# medians of wall time and peak RSS (/usr/bin/time -v) and the ratio caqes / DuckDB.
#
# Environment: CAQES_BENCH_PHMEV=path of an already built caqes-bench-phmev (else built here with
# `swift build -c release --product caqes-bench-phmev`); THREADS (default: nproc); RUNS (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-3500000}
SEED=${2:-42}
RUNS=${RUNS:-5}
THREADS=${THREADS:-$(nproc)}
OUT=bench/out
FILE=$OUT/phmev-$ROWS-$SEED.csv
mkdir -p "$OUT"

if [ ! -x /usr/bin/time ]; then apt-get install -y time >/dev/null; fi
if ! python3 -c "import duckdb" 2>/dev/null; then python3 -m pip install --quiet duckdb; fi
if [ -z "${CAQES_BENCH_PHMEV:-}" ]; then
    swift build -c release --product caqes-bench-phmev >/dev/null
    CAQES_BENCH_PHMEV=$(swift build -c release --show-bin-path)/caqes-bench-phmev
fi
if [ ! -s "$FILE" ]; then
    echo "generating $FILE ($ROWS rows, seed $SEED)"
    bench/gen-phmev "$ROWS" "$SEED" "$FILE.tmp" && mv "$FILE.tmp" "$FILE"
fi

echo "file: $FILE ($(du -h "$FILE" | cut -f1)), $ROWS rows; $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "duckdb $(python3 -c 'import duckdb; print(duckdb.__version__)'), threads $THREADS"
LOG=$OUT/phmev-runs.txt
: > "$LOG"
for run in $(seq 1 "$RUNS"); do
    /usr/bin/time -v -o "$OUT/time-caqes.txt" "$CAQES_BENCH_PHMEV" "$FILE" --threads "$THREADS" --out "$OUT/listing-caqes.txt" > "$OUT/stdout-caqes.txt"
    /usr/bin/time -v -o "$OUT/time-duckdb.txt" python3 bench/phmev/duckdb_aggregate.py "$FILE" "$OUT/listing-duckdb.txt" "$THREADS" > "$OUT/stdout-duckdb.txt"
    if ! cmp -s "$OUT/listing-caqes.txt" "$OUT/listing-duckdb.txt"; then
        echo "run $run: listings differ (caqes vs DuckDB):"; diff "$OUT/listing-caqes.txt" "$OUT/listing-duckdb.txt" | head -20
        exit 1
    fi
    python3 - "$run" "$OUT" >> "$LOG" <<'PY'
import re, sys
run, out = sys.argv[1], sys.argv[2]
def timing(name):
    text = open(f"{out}/time-{name}.txt").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    inner = float(re.search(r"(?:aggregation|duckdb): ([\d.]+) s", open(f"{out}/stdout-{name}.txt").read()).group(1))
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", text).group(1)) for kind in ("User", "System"))
    return seconds, inner, rss, cpu
c, d = timing("caqes"), timing("duckdb")
print(run, *c, *d)
PY
    tail -1 "$LOG" | awk '{printf "run %s: caqes %.2f s (%d MB), duckdb %.2f s (%d MB), ratio %.2f, listings identical\n", $1, $2, $4/1024, $6, $8/1024, $2/$6}'
done
echo "load after: $(cut -d" " -f1-3 /proc/loadavg)"
grep "^total" "$OUT/stdout-caqes.txt"
python3 - "$LOG" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
m = lambda k: statistics.median(r[k] for r in rows)
ratio = statistics.median(r[1] / r[5] for r in rows)
print(f"median of {len(rows)} runs        caqes      DuckDB     caqes/DuckDB")
print(f"process wall time (s)   {m(1):8.2f}   {m(5):8.2f}   {m(1) / m(5):8.2f}")
print(f"in-process time (s)     {m(2):8.2f}   {m(6):8.2f}   {m(2) / m(6):8.2f}")
print(f"CPU time, user+sys (s)  {m(4):8.2f}   {m(8):8.2f}   {m(4) / m(8):8.2f}")
print(f"peak RSS (MB)           {m(3) / 1024:8.1f}   {m(7) / 1024:8.1f}")
print(f"median of the per-run wall-time ratios (runs are paired, so load drifts cancel): {ratio:.2f}")
PY
