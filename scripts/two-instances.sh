#!/usr/bin/env bash
# Two app instances on one PostgreSQL: a measures file is uploaded (API) on instance A, its progress
# followed and its preview confirmed (pages) on instance B, and the final import read back on A.
# Proves that uploads, jobs, previews and progress live in the database and the file store, not in
# one instance's memory. Usage: scripts/two-instances.sh [path/to/caqes]  (DATABASE_URL must point
# at a PostgreSQL database that this script may wipe).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/caqes}
: "${DATABASE_URL:?DATABASE_URL must point at PostgreSQL}"
work=$(mktemp -d)
# A job whose instance stops beating for 3 s is taken over (120 s in production).
export CAQES_STORAGE="$work/storage/" CAQES_BCRYPT_COST=4 LOG_LEVEL=warning CAQES_JOB_STALE_SECONDS=3
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "ÉCHEC : $*" >&2; exit 1; }

"$bin" migrate --revert >/dev/null
"$bin" migrate >/dev/null
"$bin" demo --no-serve >/dev/null
token=$("$bin" users token --email analyste.hdf@demo.caqes.fr --name deux-instances | tail -n 1)

start() { CAQES_PORT=$1 "$bin" serve >>"$work/serve-$1.log" 2>&1 & pids+=($!); eval "pid_$1=$!"; }
wait_up() { for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.2; done; fail "l'instance $1 ne répond pas"; }
start 18081
start 18082
wait_up 18081
wait_up 18082
A=http://127.0.0.1:18081 B=http://127.0.0.1:18082
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# 1. Upload on A (API, preview requested).
printf 'finess;mesure;annee;valeur\n590780193;hf_stays;2023;120\n590000105;hf_readmissions_3m;2023;14\n' >"$work/mesures.csv"
id=$(curl -fs -H "Authorization: Bearer $token" -F type=mesures -F apercu=oui -F source=deux-instances \
      -F "fichier=@$work/mesures.csv" "$A/api/v1/imports" | json "['id']" | tr 'A-Z' 'a-z')
echo "import $id envoyé à l'instance A"

# 2. Follow it on B until the preview is ready.
state=""
for _ in $(seq 1 150); do
  state=$(curl -fs -H "Authorization: Bearer $token" "$B/api/v1/imports/$id" | json "['statut']")
  [ "$state" = "aperçu" ] && break
  sleep 0.2
done
[ "$state" = "aperçu" ] || fail "aperçu attendu sur l'instance B, état « $state »"
echo "aperçu visible sur l'instance B"

# 3. Confirm it on B, through the pages (session, CSRF).
jar="$work/cookies"
csrf() { python3 -c "import re,sys; m=re.search(r'name=\"_csrf\" value=\"([^\"]+)\"', sys.stdin.read()); print(m.group(1) if m else '')"; }
login_csrf=$(curl -fs -c "$jar" -b "$jar" "$B/connexion" | csrf)
curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "email=analyste.hdf@demo.caqes.fr" \
  --data-urlencode "mot_de_passe=Demo-CAQES-2026!" --data-urlencode "_csrf=$login_csrf" "$B/connexion"
page=$(curl -fs -c "$jar" -b "$jar" "$B/admin/imports/$id")
echo "$page" | grep -q "Confirmer l'import" || fail "la page de l'aperçu sur B n'offre pas la confirmation"
page_csrf=$(echo "$page" | csrf)
location=$(curl -fs -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" --data-urlencode "_csrf=$page_csrf" "$B/admin/imports/$id/confirmer")
confirmed=$(basename "$location")
[ -n "$confirmed" ] && [ "$confirmed" != "$id" ] || fail "confirmation refusée sur B ($location)"
echo "aperçu confirmé sur l'instance B : import $confirmed"

# 4. The import ends, and A reads the stored result.
for _ in $(seq 1 150); do
  state=$(curl -fs -H "Authorization: Bearer $token" "$A/api/v1/imports/$confirmed" | json "['statut']")
  [ "$state" = "terminé" ] && break
  sleep 0.2
done
[ "$state" = "terminé" ] || fail "import terminé attendu sur l'instance A, état « $state »"
values=$(curl -fs -H "Authorization: Bearer $token" "$A/api/v1/imports/$confirmed" | json "['valeurs']")
[ "$values" = "2" ] || fail "2 valeurs attendues, $values enregistrées"
curl -fs -b "$jar" "$B/etablissements/590000105" | grep -q "hf_readmissions_3m" || fail "la valeur n'apparaît pas sur la fiche (instance B)"
echo "étape 1 réussie : téléversé sur A, suivi et confirmé sur B"

# 5. An instance killed in the middle of an import: the job survives in the database and another
#    instance takes it over once its heartbeat is stale; nothing is written twice.
curl -fs -H "Authorization: Bearer $token" "$A/api/v1/etablissements?region=32&par_page=500&page=1" >"$work/p1.json"
pages=$(json "['pages']" <"$work/p1.json")
for page in $(seq 2 "$pages"); do
  curl -fs -H "Authorization: Bearer $token" "$A/api/v1/etablissements?region=32&par_page=500&page=$page" >"$work/p$page.json"
done
python3 - "$work" "$pages" <<'PY'
import json, sys
work, pages = sys.argv[1], int(sys.argv[2])
sites = sorted({e["finess"] for n in range(1, pages + 1) for e in json.load(open(f"{work}/p{n}.json"))["elements"]})
measures = ["hf_stays", "hf_readmissions_3m", "phev_ara2_amount", "phev_iec_amount", "phev_ipp_amount", "phev_ipp_boxes"]
with open(f"{work}/grand.csv", "w") as f:
    f.write("finess;mesure;annee;valeur\n")
    for site in sites:
        for measure in measures:
            for year in range(2012, 2025):
                f.write(f"{site};{measure};{year};{(hash((site, measure, year)) % 9000) + 100}\n")
print(len(sites) * len(measures) * 13, file=open(f"{work}/rows.txt", "w"))
PY
rows=$(cat "$work/rows.txt")
kill "$pid_18082"; wait "$pid_18082" 2>/dev/null || true   # only A may claim the import
big=$(curl -fs -H "Authorization: Bearer $token" -F type=mesures -F source=grand-fichier \
      -F "fichier=@$work/grand.csv" "$A/api/v1/imports" | json "['id']" | tr 'A-Z' 'a-z')
state=""
for _ in $(seq 1 300); do
  state=$(curl -fs -H "Authorization: Bearer $token" "$A/api/v1/imports/$big" | json "['statut']")
  [ "$state" = "en cours" ] && break
  sleep 0.05
done
[ "$state" = "en cours" ] || fail "import de $rows lignes attendu en cours sur A, état « $state »"
kill -9 "$pid_18081"; wait "$pid_18081" 2>/dev/null || true
echo "instance A tuée (kill -9) pendant l'import $big de $rows lignes"
start 18082
wait_up 18082
for _ in $(seq 1 600); do
  state=$(curl -fs -H "Authorization: Bearer $token" "$B/api/v1/imports/$big" | json "['statut']")
  [ "$state" = "terminé" ] && break
  sleep 0.2
done
[ "$state" = "terminé" ] || fail "import repris et terminé attendu sur B, état « $state »"
values=$(curl -fs -H "Authorization: Bearer $token" "$B/api/v1/imports/$big" | json "['valeurs']")
[ "$values" = "$rows" ] || fail "$rows valeurs attendues après la reprise, $values enregistrées : $(curl -fs -H "Authorization: Bearer $token" "$B/api/v1/imports/$big" | head -c 1500)"
attempts=$(psql "$DATABASE_URL" -tAc "SELECT attempts FROM jobs WHERE id = '$big'")
[ "$attempts" = "2" ] || fail "la tâche devait être reprise une fois (2 tentatives), tentatives : « $attempts »"
echo "étape 2 réussie : l'instance B a repris l'import (tentative 2) et enregistré $values valeurs, une fois"
echo "deux instances : 2 passed, 0 failed"
