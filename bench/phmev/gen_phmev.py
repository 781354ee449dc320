#!/usr/bin/env python3
"""Writes a synthetic Open PHMEV file: the exact header, `;`, UTF-8, same columns and formats.

    gen_phmev.py ROWS SEED [OUT]     (OUT defaults to standard output)

Each row starts from a row of the real 10k sample (Open PHMEV 2024, Assurance Maladie, Licence
Ouverte 2.0), so ATC codes, labels, CIP13 (masked 9999999999999 at the sample's share), ages and
sexes keep the sample's distribution, CAQES classes included. The prescriber (`etb_rgt` and the
establishment columns) is drawn from the sample's establishments (weighted by their frequency in the
sample) and from the FINESS registry subset Resources/Demo/finess_et_20210108_hdf_idf.csv (FINESS,
DREES, extraction of 08/01/2021; Zipf-like weights). Boxes are rescaled, amounts follow the
template's unit price, written as the sample writes them (`248.53`, `39.6`, `119.0`).

Anomalies at fixed rates, so importers meet them at scale: 0.1 % regularisations (negative boxes and
amounts), 1 row in 200,000 with an empty REM (masked amount), 1 in 100,000 with a FINESS whose key
is wrong, 1 in 500,000 with a FINESS of 8 characters. Python 3 standard library only; the same ROWS
and SEED give the same bytes.
"""
import bisect
import csv
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def first_existing(paths):
    for path in paths:
        if path and os.path.exists(path):
            return path
    sys.exit("gen-phmev: sample not found; set PHMEV_SAMPLE (tried: %s)" % ", ".join(p for p in paths if p))


SAMPLE = first_existing([
    os.environ.get("PHMEV_SAMPLE"),
    os.path.join(os.path.dirname(REPO), "shared/data/phmev/OPEN_PHMEV_2024_sample_10k.csv"),
    "/work/shared/data/phmev/OPEN_PHMEV_2024_sample_10k.csv",
])
REGISTRY = os.path.join(REPO, "Resources/Demo/finess_et_20210108_hdf_idf.csv")


def luhn_ok(finess):
    digits = ("21" + finess[2:] if finess.startswith("2A") else "22" + finess[2:] if finess.startswith("2B") else finess)
    total = 0
    for offset, char in enumerate(reversed(digits)):
        d = int(char)
        if offset % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def quote(field):
    if any(c in field for c in ';"\n\r'):
        return '"' + field.replace('"', '""') + '"'
    return field


def money(cents):
    """Cents as the sample writes euros: shortest float text, one decimal at least."""
    return repr(round(cents / 100, 2))


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: gen-phmev ROWS SEED [OUT]")
    rows, seed = int(sys.argv[1]), int(sys.argv[2])
    out_path = sys.argv[3] if len(sys.argv) > 3 else None
    rng = random.Random(seed)

    with open(SAMPLE, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        header = next(reader)
        sample = list(reader)
    col = {name: k for k, name in enumerate(header)}
    etb_at, boxes_at, rem_at, bse_at = col["etb_rgt"], col["BOITES"], col["REM"], col["BSE"]

    # Templates: the drug part (columns before etb_rgt) and the template's unit price.
    templates = []
    for row in sample:
        boxes, rem, bse = int(row[boxes_at]), round(float(row[rem_at]) * 100), round(float(row[bse_at]) * 100)
        unit = rem / boxes if boxes > 0 else rem
        ratio = bse / rem if rem > 0 else 1.0
        templates.append((";".join(quote(v) for v in row[:etb_at]), boxes, unit, ratio))

    # Establishments: the sample's, weighted by frequency; then the registry's, Zipf-like.
    etb_part, weight = {}, {}
    for row in sample:
        finess = row[etb_at]
        etb_part.setdefault(finess, ";".join(quote(v) for v in row[etb_at:boxes_at]))
        weight[finess] = weight.get(finess, 0) + 1
    sample_total = sum(weight.values())
    registry = []
    with open(REGISTRY, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        rh = next(reader)
        rc = {name: k for k, name in enumerate(rh)}
        for r in reader:
            finess = r[rc["nofinesset"]]
            if finess in etb_part:
                continue
            region = "11" if finess[:2] in ("75", "77", "78", "91", "92", "93", "94", "95") else "32"
            cat = r[rc["categetab"]]
            jur, jur_rgt = {"101": ("chr", "CHU"), "355": ("ch", "CH"), "292": ("psy", "PSY")}.get(cat, ("aut", "AUTRES"))
            fields = [finess, jur, jur_rgt, r[rc["code_postal"]], r[rc["rs"]][:38], r[rc["commune_libelle"]], "", "",
                      r[rc["rs"]], "1", "1", region]
            etb_part[finess] = ";".join(quote(v) for v in fields)
            registry.append(finess)
    rng.shuffle(registry)
    # A quarter of the rows go to registry establishments, a few large, most small.
    zipf = [1 / (rank + 1) ** 0.9 for rank in range(len(registry))]
    zipf_total = sum(zipf)
    for finess, z in zip(registry, zipf):
        weight[finess] = z / zipf_total * sample_total / 3
    names = sorted(weight)
    cumulative, acc = [], 0.0
    for name in names:
        acc += weight[name]
        cumulative.append(acc)

    # Bad FINESS variants, prepared once.
    def bad_key(finess):
        for d in "0123456789":
            candidate = finess[:8] + d
            if candidate != finess and not luhn_ok(candidate):
                return candidate
        return finess

    out = open(out_path, "w", encoding="utf-8", newline="") if out_path else sys.stdout
    out.write(";".join(header) + "\n")
    choose_template = rng.randrange
    ntemplates = len(templates)
    buffer = []
    for n in range(rows):
        prefix, tboxes, unit, ratio = templates[choose_template(ntemplates)]
        finess = names[bisect.bisect_left(cumulative, rng.random() * acc)]
        etb = etb_part[finess]
        roll = rng.random()
        # Boxes: the template's, rescaled by a log-normal factor (median 1), zero kept zero.
        boxes = max(1, round(tboxes * math.exp(rng.gauss(0.0, 0.8)))) if tboxes > 0 else 0
        rem = round(unit * boxes) if tboxes > 0 else round(unit)
        bse = round(rem * ratio)
        if roll < 0.001:
            boxes, rem, bse = -boxes, -rem, -bse
        rem_text = money(rem)
        if n % 200_000 == 199_999:
            rem_text = ""
        if n % 100_000 == 54_321:
            etb = bad_key(finess) + etb[len(finess):]
        elif n % 500_000 == 123_456:
            etb = finess[:8] + etb[len(finess):]
        buffer.append("%s;%s;%d;%s;%s\n" % (prefix, etb, boxes, rem_text, money(bse)))
        if len(buffer) >= 10_000:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
