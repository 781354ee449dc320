#!/usr/bin/env python3
"""Cuts the committed open-data subsets from the shared real data (../shared/data).

    python3 Tests/Fixtures/make_subsets.py [SHARED_DATA]

Writes Tests/Fixtures/ (test files, at the same relative paths as in the shared data) and
Resources/Demo/ (demo measures). Every file keeps whole lines of its source, byte for byte
(encoding, separator, quoting, BOM, line ends), and its header line: each source has one record
per physical line (checked). See the README.md beside each set for sources and attribution.
"""
import csv
import io
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared", "data")
FIXTURES = os.path.join(REPO, "Tests", "Fixtures")
DEMO = os.path.join(REPO, "Resources", "Demo")


def lines(relative):
    """The source's physical lines (bytes, each with its line end)."""
    with open(os.path.join(SHARED, relative), "rb") as f:
        return f.read().splitlines(keepends=True)


def records(relative, encoding, separator):
    """The source's records as dicts, one per data line (checked)."""
    raw = open(os.path.join(SHARED, relative), "rb").read()
    rows = list(csv.DictReader(io.StringIO(raw.decode(encoding), newline=""), delimiter=separator))
    assert len(rows) == raw.count(b"\n") - 1, relative
    return rows


def write(folder, name, header, body):
    os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(header + b"".join(body))
    print(f"{name}: {len(body)} rows, {len(header) + sum(map(len, body)):,} bytes")


def cut(relative, encoding, separator, keep, folder, name):
    """Keeps the lines whose record satisfies `keep`."""
    source = lines(relative)
    rows = records(relative, encoding, separator)
    write(folder, name, source[0], [line for line, row in zip(source[1:], rows) if keep(row)])


def copy(relative, folder):
    """The whole file, at the same relative path as in the shared data."""
    source = lines(relative)
    write(folder, relative, source[0], source[1:])


# ---- Tests/Fixtures -------------------------------------------------------------------------

PHMEV = "phmev/OPEN_PHMEV_2024_sample_10k.csv"

# Whole files: the tests check their full counts. The hospital registry (8,131 rows whose
# categagretab starts with 11) is itself the hospital part of the national extract: cutting it
# further would change which establishments every measures file finds known.
for relative in ["finess/finess_et_20210108_hospitaliers.csv", "finess/etablissements_sante_statapp.csv",
                 "sae/ID_2022r.csv", "sae/MCO_2022r.csv", "hospidiag/hd2022.csv",
                 "more/scansante/mco_tous_sejours_public_psph_2023.csv",
                 "more/scansante/mco_tous_sejours_prive_oqn_2023.csv",
                 "more/scansante/mco_tous_sejours_public_psph_2024.csv"]:
    copy(relative, FIXTURES)

# Open PHMEV: the sample's rows prescribed by establishments of Auvergne-Rhône-Alpes (region_etb
# 84), Hospices Civils de Lyon (EJ 690781810) among them.
cut(PHMEV, "utf-8", ";", lambda r: r["region_etb"] == "84", FIXTURES, "phmev/OPEN_PHMEV_2024_sample_10k_ara.csv")

# ---- Resources/Demo: measures of the demo regions (32 Hauts-de-France, 11 Île-de-France) -----

DEPARTMENTS = {"02", "59", "60", "62", "80", "75", "77", "78", "91", "92", "93", "94", "95"}
in_demo = lambda finess: finess.strip()[:2] in DEPARTMENTS
cut("sae/MCO_2022r.csv", "latin-1", ";", lambda r: in_demo(r["FI"]), DEMO, "sae_mco_2022_hdf_idf.csv")
cut("sae/MCO_2023r.csv", "latin-1", ";", lambda r: in_demo(r["FI"]), DEMO, "sae_mco_2023_hdf_idf.csv")
cut("hospidiag/hd2022.csv", "utf-8", ",", lambda r: in_demo(r["finess"]), DEMO, "hospidiag_2022_hdf_idf.csv")
cut(PHMEV, "utf-8", ";", lambda r: in_demo(r["etb_rgt"]), DEMO, "open_phmev_2024_sample_hdf_idf.csv")
