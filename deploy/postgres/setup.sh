#!/usr/bin/env bash
# Makes a local PostgreSQL ready for the tests and for production-like runs:
# installs Debian's package when absent, starts a cluster, creates the role `mobileoffice`
# (the tests' own, allowed to create databases) and, per service, a role that owns only that
# service's database. Passwords are made here, never stored in git: the URLs land in
# var/dev/postgres.url and var/dev/postgres-<service>.url (gitignored).
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
# A password reaches SQL only as a psql variable read from the environment (\getenv) and
# quoted by psql itself (:'password'): never spliced into SQL, never on a command line.
export MO_POSTGRES_ROLE_PASSWORD
MO_POSTGRES_ROLE_PASSWORD=$password
psql_admin <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mobileoffice') THEN
    CREATE ROLE mobileoffice LOGIN CREATEDB;
  END IF;
END $$;
\getenv password MO_POSTGRES_ROLE_PASSWORD
ALTER ROLE mobileoffice PASSWORD :'password';
SQL
# One role per service, owning only its own database: a service's credentials open nothing
# else (no CONNECT for PUBLIC). The `mobileoffice` role stays for the tests, which make
# databases of their own. Passwords are made here, kept per machine, never in git.
for service in intake routing notifications scheduling; do
  role="mo_$service"
  role_password_file="$(dirname "$password_file")/postgres-$service.password"
  [ -s "$role_password_file" ] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$role_password_file")
  role_password=$(cat "$role_password_file")
  MO_POSTGRES_ROLE_PASSWORD=$role_password
  psql_admin -v role="$role" <<'SQL'
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') AS missing \gset
\if :missing
  CREATE ROLE :"role" LOGIN;
\endif
\getenv password MO_POSTGRES_ROLE_PASSWORD
ALTER ROLE :"role" PASSWORD :'password';
SQL
  exists=$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'mo_$service'")
  [ "$exists" = "1" ] || psql_admin -c "CREATE DATABASE mo_$service OWNER $role"
  psql_admin -c "ALTER DATABASE mo_$service OWNER TO $role"
  psql_admin -c "REVOKE ALL ON DATABASE mo_$service FROM PUBLIC"
  (umask 077 && echo "postgresql+asyncpg://$role:$role_password@127.0.0.1:$port/mo_$service" >"var/dev/postgres-$service.url")
done
unset MO_POSTGRES_ROLE_PASSWORD
(umask 077 && echo "postgresql+asyncpg://mobileoffice:$password@127.0.0.1:$port" >var/dev/postgres.url)
echo "postgres: ready on 127.0.0.1:$port (databases mo_intake, mo_routing, mo_notifications, mo_scheduling, each owned by its service's role; URLs in var/dev/postgres-<service>.url)" >&2
