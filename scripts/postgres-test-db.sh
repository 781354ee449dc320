#!/usr/bin/env bash
# Installs (Debian package) and starts a local PostgreSQL on 127.0.0.1:5432 when none answers, and
# creates the test role and database. Prints the DATABASE_URL to use. Needs root (apt, su).
set -euo pipefail
user=caqes
password=caqes
database=${1:-caqes_test}
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "Installation de PostgreSQL (paquet Debian)…" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >&2
  fi
  pg_ctlcluster "$version" main start >&2
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
su postgres -c "psql -v ON_ERROR_STOP=1 -q" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN
    CREATE ROLE $user LOGIN PASSWORD '$password' CREATEDB;
  END IF;
END \$\$;
SQL
if ! su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = '$database'\"" | grep -q 1; then
  su postgres -c "createdb -O $user $database" >&2
fi
echo "postgres://$user:$password@127.0.0.1:5432/$database"
