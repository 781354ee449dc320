#!/usr/bin/env bash
# Installs the French state design system (DSFR) into Public/dsfr/ from the django-dsfr wheel on PyPI.
# The folder is git-ignored: the DSFR is not ours to commit. Pages stay usable (plainly) without it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/Public/dsfr"
if [ -f "$target/dsfr.min.css" ] && [ "${1:-}" != "--force" ]; then
  echo "DSFR déjà installé dans Public/dsfr/"
  exit 0
fi
pip_cmd=""
for candidate in pip3 pip "python3 -m pip"; do
  if $candidate --version >/dev/null 2>&1; then pip_cmd="$candidate"; break; fi
done
if [ -z "$pip_cmd" ]; then
  echo "pip est introuvable : le DSFR ne peut pas être installé (les pages restent utilisables sans)." >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "Téléchargement du paquet django-dsfr (PyPI)…"
$pip_cmd download --quiet --no-deps --only-binary=:all: django-dsfr -d "$work"
wheel="$(ls "$work"/django_dsfr-*.whl | head -n 1)"
python3 - "$wheel" "$work/out" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = "dsfr/static/dsfr/dist/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            z.extract(name, out)
PY
rm -rf "$target"
mkdir -p "$(dirname "$target")"
mv "$work/out/dsfr/static/dsfr/dist" "$target"
echo "DSFR installé dans Public/dsfr/ ($(basename "$wheel"))."
