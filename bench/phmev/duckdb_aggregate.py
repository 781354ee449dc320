#!/usr/bin/env python3
"""The same per-establishment Open PHMEV aggregates as PHMEVAggregator, computed by DuckDB.

    duckdb_aggregate.py FILE LISTING [THREADS]

Same rules: the row's ATC code is the most specific level not masked (ATC5, else atc4, atc3, atc2,
atc1; a code starts with A-Z), classes by prefix (IEC C09A/C09B, ARA II C09C/C09D, IPP A02BC,
ezetimibe C10AX09/C10BA); REM in cents and BOITES summed when they read as numbers (an empty or
masked cell is left out, not 0); etb_rgt must be 9 characters (digits, or 2A/2B + 7 digits) with a
right Luhn key (2A = 21, 2B = 22). Every valid establishment of the file is listed with all eight
measures, as `finess;measure;value` sorted, values in cents or boxes. Prints the wall time of the
query (listing written included).
"""
import sys
import time

import duckdb

path, listing = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2

start = time.perf_counter()
con = duckdb.connect()
con.execute(f"SET threads = {threads}")
con.execute("CREATE MACRO usable(c) AS (c IS NOT NULL AND c[1] BETWEEN 'A' AND 'Z')")
con.execute("""CREATE MACRO luhn(d) AS (list_sum(list_transform(range(length(d)), lambda i:
    CASE WHEN i % 2 = 1
         THEN (CAST(d[length(d) - i] AS INTEGER) * 2) - CASE WHEN CAST(d[length(d) - i] AS INTEGER) * 2 > 9 THEN 9 ELSE 0 END
         ELSE CAST(d[length(d) - i] AS INTEGER) END)) % 10 = 0)""")
con.execute("""CREATE MACRO finess_ok(f) AS (regexp_full_match(f, '[0-9]{9}|2[AB][0-9]{7}') AND
    luhn(CASE WHEN f[1:2] = '2A' THEN '21' || f[3:] WHEN f[1:2] = '2B' THEN '22' || f[3:] ELSE f END))""")
measures = ["iec", "ara2", "ipp", "ezetimibe"]
sums = ",\n".join(
    f"coalesce(sum(rem) FILTER (WHERE cls = '{m}'), 0) AS phev_{m}_amount,\n"
    f"coalesce(sum(boxes) FILTER (WHERE cls = '{m}'), 0) AS phev_{m}_boxes" for m in measures)
query = f"""
WITH raw AS (
  SELECT etb_rgt AS f,
    CASE WHEN usable(ATC5) THEN ATC5 WHEN usable(atc4) THEN atc4 WHEN usable(atc3) THEN atc3
         WHEN usable(atc2) THEN atc2 WHEN usable(atc1) THEN atc1 ELSE '' END AS code,
    CAST(TRY_CAST(REM AS DECIMAL(18, 2)) * 100 AS BIGINT) AS rem,
    TRY_CAST(BOITES AS BIGINT) AS boxes
  FROM read_csv('{path}', delim = ';', header = true, all_varchar = true, quote = '"', escape = '"')
), classified AS (
  SELECT f, rem, boxes, CASE
    WHEN starts_with(code, 'C09A') OR starts_with(code, 'C09B') THEN 'iec'
    WHEN starts_with(code, 'C09C') OR starts_with(code, 'C09D') THEN 'ara2'
    WHEN starts_with(code, 'A02BC') THEN 'ipp'
    WHEN starts_with(code, 'C10AX09') OR starts_with(code, 'C10BA') THEN 'ezetimibe' END AS cls
  FROM raw
), per AS (
  SELECT f, {sums} FROM classified GROUP BY f
)
SELECT * FROM per WHERE finess_ok(f) ORDER BY f
"""
rows = con.execute(query).fetchall()
names = [f"phev_{m}_{kind}" for m in measures for kind in ("amount", "boxes")]
order = sorted(range(len(names)), key=lambda k: names[k])
with open(listing, "w") as out:
    for row in rows:
        for k in order:
            out.write(f"{row[0]};{names[k]};{int(row[1 + k])}\n")
print(f"duckdb: {time.perf_counter() - start:.3f} s, {threads} threads, {len(rows)} establishments")
