#!/usr/bin/env bash
# docker-compose's PostgreSQL, first start: one role per service owning only its own
# database (no CONNECT for anyone else); the passwords come from the environment.
# A password reaches SQL only as a psql variable read from the environment (\getenv) and
# quoted by psql itself (:'password'): a quote in it is a character of the password, never
# SQL, and it appears on no command line. MO_POSTGRES_SERVICES names other services (the
# tests make a throwaway one).
set -euo pipefail
for service in ${MO_POSTGRES_SERVICES:-intake routing notifications scheduling}; do
  [[ $service =~ ^[a-z][a-z0-9_]*$ ]] || { echo "not a service name: $service" >&2; exit 1; }
  variable="MO_POSTGRES_${service^^}_PASSWORD"
  : "${!variable:?set $variable}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="mo_$service" -v password_variable="$variable" <<'SQL'
\getenv password :password_variable
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
