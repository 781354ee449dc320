#!/usr/bin/env bash
# Open PHMEV import benchmark: `caqes import phmev` end to end, and its aggregation alone, against
# DuckDB computing the same per-establishment sums from the same synthetic file.
#
#   bench/phmev/run.sh [ROWS] [SEED]        (default 3,500,000 rows — one year — seed 42)
#
# Generates bench/out/phmev-ROWS-SEED.csv once (bench/gen-phmev) and a template SQLite database
# (`caqes migrate` + `caqes import finess` of the full FINESS extract) once per invocation. Then
# runs 5 times each, in turn:
#   (a) `caqes import phmev FILE --year 2024 --skip-unknown` into a fresh copy of the template,
#       timed from process start to exit (database write included);
#   (b) DuckDB (PyPI `duckdb`), bench/phmev/duckdb_aggregate.py, the same sums with the same rules;
#   (c) caqes-bench-phmev, the aggregation of (a) without the database.
# After each run the values (a) stored (`caqes measures export`, every phev_* measure) must equal
# DuckDB's to the cent for every establishment caqes stored, and DuckDB's other establishments must
# all be absent from the registry (skipped, counted); (c)'s listing must be byte-identical to
# DuckDB's. Prints medians of wall time, CPU time and peak RSS (/usr/bin/time -v) and the ratios
# caqes / DuckDB.
#
# Environment: CAQES, CAQES_BENCH_PHMEV = paths of already built executables (else built here in
# release); THREADS (default: nproc; DuckDB and caqes-bench-phmev — `caqes import` uses every
# core); RUNS (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-3500000}
SEED=${2:-42}
RUNS=${RUNS:-5}
THREADS=${THREADS:-$(nproc)}
YEAR=2024
OUT=bench/out
FILE=$OUT/phmev-$ROWS-$SEED.csv
FINESS_CSV=$OUT/registry/finess_et_20210108.csv
TEMPLATE=$OUT/phmev-registry.sqlite
DB=$OUT/phmev-import.sqlite
mkdir -p "$OUT/registry"

if [ ! -x /usr/bin/time ]; then apt-get install -y time >/dev/null; fi
if ! python3 -c "import duckdb" 2>/dev/null; then python3 -m pip install --quiet duckdb; fi
for product in caqes caqes-bench-phmev; do
    var=CAQES; [ "$product" = caqes-bench-phmev ] && var=CAQES_BENCH_PHMEV
    if [ -z "${!var:-}" ]; then
        swift build -c release --product "$product" >/dev/null
        printf -v "$var" '%s' "$(swift build -c release --show-bin-path)/$product"
    fi
done
if [ ! -s "$FILE" ]; then
    echo "generating $FILE ($ROWS rows, seed $SEED)"
    bench/gen-phmev "$ROWS" "$SEED" "$FILE.tmp" && mv "$FILE.tmp" "$FILE"
fi
[ -s "$FINESS_CSV" ] || gzip -dc ../shared/data/finess/finess_et_20210108.csv.gz > "$FINESS_CSV"

echo "preparing $TEMPLATE (migrate + import of the full FINESS extract)"
rm -f "$TEMPLATE" "$TEMPLATE"-*
DATABASE_URL="sqlite:$TEMPLATE" "$CAQES" migrate > /dev/null
DATABASE_URL="sqlite:$TEMPLATE" "$CAQES" import finess "$FINESS_CSV" > "$OUT/stdout-finess.txt"
tail -n 1 "$OUT/stdout-finess.txt"

echo "file: $FILE ($(du -h "$FILE" | cut -f1)), $ROWS rows; $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "duckdb $(python3 -c 'import duckdb; print(duckdb.__version__)'), threads $THREADS; caqes import: all cores"
LOG=$OUT/phmev-runs.txt
: > "$LOG"
for run in $(seq 1 "$RUNS"); do
    rm -f "$DB" "$DB"-*
    cp "$TEMPLATE" "$DB"
    /usr/bin/time -v -o "$OUT/time-import.txt" env DATABASE_URL="sqlite:$DB" \
        "$CAQES" import phmev "$FILE" --year "$YEAR" --skip-unknown > "$OUT/stdout-import.txt" 2>&1
    /usr/bin/time -v -o "$OUT/time-duckdb.txt" python3 bench/phmev/duckdb_aggregate.py "$FILE" "$OUT/listing-duckdb.txt" "$THREADS" > "$OUT/stdout-duckdb.txt"
    /usr/bin/time -v -o "$OUT/time-caqes.txt" "$CAQES_BENCH_PHMEV" "$FILE" --threads "$THREADS" --out "$OUT/listing-caqes.txt" > "$OUT/stdout-caqes.txt"

    DATABASE_URL="sqlite:$DB" "$CAQES" measures export --year "$YEAR" > "$OUT/export-import.txt"
    if ! python3 bench/phmev/compare_import.py "$OUT/export-import.txt" "$OUT/listing-duckdb.txt" "$DB" > "$OUT/compare-import.txt"; then
        echo "run $run: caqes import vs DuckDB:"; cat "$OUT/compare-import.txt"; exit 1
    fi
    if ! cmp -s "$OUT/listing-caqes.txt" "$OUT/listing-duckdb.txt"; then
        echo "run $run: aggregation listings differ (caqes vs DuckDB):"; diff "$OUT/listing-caqes.txt" "$OUT/listing-duckdb.txt" | head -20
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
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", text).group(1)) for kind in ("User", "System"))
    inner = re.search(r"(?:aggregation|duckdb): ([\d.]+) s", open(f"{out}/stdout-{name}.txt").read())
    return seconds, float(inner.group(1)) if inner else seconds, rss, cpu
# columns: run, then wall, in-process, rss, cpu for import, duckdb, aggregation
print(run, *timing("import"), *timing("duckdb"), *timing("caqes"))
PY
    tail -1 "$LOG" | awk '{printf "run %s: caqes import %.2f s (%d MB), duckdb %.2f s (%d MB), caqes aggregation %.2f s (%d MB); import/duckdb %.2f, aggregation/duckdb %.2f\n", $1, $2, $4/1024, $6, $8/1024, $10, $12/1024, $2/$6, $10/$6}'
    sed 's/^/    /' "$OUT/compare-import.txt" | head -1
done
echo "load after: $(cut -d" " -f1-3 /proc/loadavg)"
grep -v '^\s*$' "$OUT/stdout-import.txt" | grep -v '^\[' | tail -n 4
cat "$OUT/compare-import.txt"
python3 - "$LOG" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
m = lambda k: statistics.median(r[k] for r in rows)
paired = lambda a: statistics.median(r[a] / r[5] for r in rows)
print(f"median of {len(rows)} runs            caqes import   DuckDB   import/DuckDB   caqes aggregation   aggregation/DuckDB")
print(f"process wall time (s)       {m(1):10.2f} {m(5):10.2f} {m(1) / m(5):12.2f} {m(9):17.2f} {m(9) / m(5):18.2f}")
print(f"CPU time, user+sys (s)      {m(4):10.2f} {m(8):10.2f} {m(4) / m(8):12.2f} {m(12):17.2f} {m(12) / m(8):18.2f}")
print(f"peak RSS (MB)               {m(3) / 1024:10.1f} {m(7) / 1024:10.1f} {'':12} {m(11) / 1024:17.1f}")
print(f"DuckDB without Python start-up: {m(6):.2f} s; caqes aggregation in-process: {m(10):.2f} s")
print(f"medians of the per-run wall-time ratios (paired runs, load drifts cancel): "
      f"import/DuckDB {paired(1):.2f}, aggregation/DuckDB {paired(9):.2f}")
PY
