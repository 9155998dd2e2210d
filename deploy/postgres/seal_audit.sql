-- Makes a service's audit tamper-resistant on PostgreSQL: the `audit` and `audit_seal` tables
-- (and the trigger function that refuses changes) pass to a role of their own that cannot log
-- in, `<service role>_audit`; the service's role keeps only SELECT and INSERT on them, so its
-- credentials can neither change, delete, truncate nor drop a row, nor disable the triggers.
-- The schema `public` passes to the one running this (the service's role keeps USAGE and
-- CREATE for its other tables): a schema's owner may drop any table in it.
-- Run once per service database, as a superuser, after the service's first start has made
-- its tables:
--   psql -v service=mo_intake -d mo_intake -f deploy/postgres/seal_audit.sql
-- It can run again (an audit added later, a role recreated): each step is idempotent.
\set ON_ERROR_STOP 1
\set keeper :service _audit
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'keeper') AS missing \gset
\if :missing
  CREATE ROLE :"keeper" NOLOGIN;
\endif
BEGIN;
ALTER TABLE audit OWNER TO :"keeper";
ALTER TABLE audit_seal OWNER TO :"keeper";
ALTER FUNCTION audit_refuse() OWNER TO :"keeper";
REVOKE ALL ON audit, audit_seal FROM PUBLIC, :"service";
GRANT SELECT, INSERT ON audit, audit_seal TO :"service";
GRANT USAGE ON SEQUENCE audit_id_seq TO :"service";
ALTER SCHEMA public OWNER TO CURRENT_USER;
GRANT USAGE, CREATE ON SCHEMA public TO :"service";
COMMIT;
