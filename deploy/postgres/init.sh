#!/usr/bin/env bash
# docker-compose's PostgreSQL, first start: one role per service owning only its own
# database (no CONNECT for anyone else); the passwords come from the environment.
set -euo pipefail
for service in intake routing notifications scheduling; do
  variable="MO_POSTGRES_${service^^}_PASSWORD"
  password="${!variable:?set $variable}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE mo_$service LOGIN PASSWORD '$password';
CREATE DATABASE mo_$service OWNER mo_$service;
REVOKE ALL ON DATABASE mo_$service FROM PUBLIC;
SQL
done
