#!/usr/bin/env bash
# Makes a local PostgreSQL ready for the tests and for production-like runs:
# installs Debian's package when absent, starts a cluster, and creates the role
# `mobileoffice` with one database per service. The password is made here, never
# stored in git: it lands in var/dev/postgres.url (gitignored), which the Makefile reads.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "postgres: installing Debian's postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  echo "postgres: starting cluster $version/main" >&2
  pg_ctlcluster "$version" main start
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')

mkdir -p var/dev
password_file=${MO_POSTGRES_PASSWORD_FILE:-$HOME/.config/mobileoffice/postgres.password}
mkdir -p "$(dirname "$password_file")"
[ -s "$password_file" ] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$password_file")
password=$(cat "$password_file")

psql_admin() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAt "$@"; }
for _ in $(seq 1 30); do psql_admin -c 'select 1' >/dev/null 2>&1 && break; sleep 1; done
psql_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mobileoffice') THEN
    CREATE ROLE mobileoffice LOGIN CREATEDB;
  END IF;
END \$\$;
ALTER ROLE mobileoffice PASSWORD '$password';
SQL
for service in intake routing notifications scheduling; do
  exists=$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'mo_$service'")
  [ "$exists" = "1" ] || psql_admin -c "CREATE DATABASE mo_$service OWNER mobileoffice"
done
(umask 077 && echo "postgresql+asyncpg://mobileoffice:$password@127.0.0.1:$port" >var/dev/postgres.url)
echo "postgres: ready on 127.0.0.1:$port (databases mo_intake, mo_routing, mo_notifications, mo_scheduling)" >&2
