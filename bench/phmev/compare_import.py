#!/usr/bin/env python3
"""Checks `caqes import phmev` stored the same per-establishment values as DuckDB computed.

    compare_import.py EXPORT DUCKDB_LISTING DATABASE

EXPORT is `caqes measures export --year Y` (finess;mesure;annee;valeur, decimal point, euros or
boxes); DUCKDB_LISTING is duckdb_aggregate.py's `finess;measure;value` (cents or boxes). Every
value caqes stored must equal DuckDB's to the cent, every stored establishment must have all eight
phev_* measures; DuckDB's establishments that caqes did not store must all be absent from the
registry of DATABASE (sites and legal_entities: `--skip-unknown` skipped them). Prints one line:
`stored N establishments, skipped K unknown, values identical, totals …`; exits 1 on any difference.
"""
import sqlite3
import sys
from collections import defaultdict
from decimal import Decimal

export_path, listing_path, database = sys.argv[1:4]

duck = defaultdict(dict)
for line in open(listing_path):
    finess, measure, value = line.rstrip("\n").split(";")
    duck[finess][measure] = int(value)
measures = sorted({m for per in duck.values() for m in per})

stored = defaultdict(dict)
problems = []
with open(export_path) as export:
    if export.readline().strip() != "finess;mesure;annee;valeur":
        sys.exit("unexpected export header")
    for line in export:
        finess, measure, year, value = line.rstrip("\n").split(";")
        if not measure.startswith("phev_"):
            continue
        number = Decimal(value)
        units = number * 100 if measure.endswith("_amount") else number
        if units != units.to_integral_value():
            problems.append(f"{finess} {measure}: {value} is not a whole number of cents or boxes")
            continue
        stored[finess][measure] = int(units)

for finess, values in sorted(stored.items()):
    if sorted(values) != measures:
        problems.append(f"{finess}: stored measures {sorted(values)}, expected {measures}")
    if finess not in duck:
        problems.append(f"{finess}: stored by caqes, not in DuckDB's listing")
        continue
    for measure, value in values.items():
        if duck[finess].get(measure) != value:
            problems.append(f"{finess} {measure}: caqes {value}, DuckDB {duck[finess].get(measure)}")

connection = sqlite3.connect(database)
registry = {row[0] for table in ("sites", "legal_entities")
            for row in connection.execute(f"SELECT finess FROM {table}")}
skipped = sorted(set(duck) - set(stored))
wrongly = [f for f in skipped if f in registry]
if wrongly:
    problems.append(f"{len(wrongly)} establishment(s) of the registry not stored, e.g. {wrongly[:5]}")
missing = [f for f in stored if f not in registry]
if missing:
    problems.append(f"{len(missing)} stored establishment(s) absent from the registry, e.g. {missing[:5]}")

if problems:
    print(f"caqes import and DuckDB differ ({len(problems)} problem(s)):")
    for problem in problems[:20]:
        print("  " + problem)
    sys.exit(1)

totals = {m: sum(values[m] for values in stored.values()) for m in measures}
skipped_rows = {m: sum(duck[f].get(m, 0) for f in skipped) for m in measures}
print(f"stored {len(stored)} establishments x {len(measures)} measures, skipped {len(skipped)} unknown to the registry "
      f"(of {len(duck)} in DuckDB's listing), values identical to the cent")
print("totals stored: " + ", ".join(f"{m} {totals[m]}" for m in measures))
print("totals of skipped establishments: " + ", ".join(f"{m} {skipped_rows[m]}" for m in measures))
