#!/bin/sh
# A database and a login per app (docs/SECURITY.md, "Database logins"). The postgres image runs this once,
# on the first start of an empty postgres-data volume; later password changes are ALTER ROLE … PASSWORD.
#
# Each database belongs to the owner (POSTGRES_USER), who migrates it in the app's <app>-migrate job. An app's
# login may log in and nothing more: the migrate job makes it a member of <database>_writer, the only role
# that may connect to that database (PUBLIC may not), so no app can open another app's database.
#
# The passwords come from compose (PG_<APP>_PASSWORD) and reach the SQL only through psql's :'var' quoting.
# The entrypoint sources this file when it is not executable: hence no `set` and no `exit`.
: "${PG_NOTARY_PASSWORD:?set PG_NOTARY_PASSWORD}"
: "${PG_LAND_PASSWORD:?set PG_LAND_PASSWORD}"
: "${PG_DIPLOMA_PASSWORD:?set PG_DIPLOMA_PASSWORD}"
: "${PG_COURT_PASSWORD:?set PG_COURT_PASSWORD}"
: "${PG_CREDIT_PASSWORD:?set PG_CREDIT_PASSWORD}"
: "${PG_BOND_PASSWORD:?set PG_BOND_PASSWORD}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
  -v owner="$POSTGRES_USER" \
  -v notary_password="$PG_NOTARY_PASSWORD" \
  -v land_password="$PG_LAND_PASSWORD" \
  -v diploma_password="$PG_DIPLOMA_PASSWORD" \
  -v court_password="$PG_COURT_PASSWORD" \
  -v credit_password="$PG_CREDIT_PASSWORD" \
  -v bond_password="$PG_BOND_PASSWORD" <<'SQL'
CREATE ROLE registry_bus_notary_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'notary_password';
CREATE DATABASE registry_bus_notary OWNER :"owner";
REVOKE ALL ON DATABASE registry_bus_notary FROM PUBLIC;

CREATE ROLE registry_bus_land_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'land_password';
CREATE DATABASE registry_bus_land OWNER :"owner";
REVOKE ALL ON DATABASE registry_bus_land FROM PUBLIC;

CREATE ROLE registry_bus_diploma_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'diploma_password';
CREATE DATABASE registry_bus_diploma OWNER :"owner";
REVOKE ALL ON DATABASE registry_bus_diploma FROM PUBLIC;

CREATE ROLE registry_bus_court_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'court_password';
CREATE DATABASE registry_bus_court OWNER :"owner";
REVOKE ALL ON DATABASE registry_bus_court FROM PUBLIC;

CREATE ROLE registry_bus_credit_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'credit_password';
CREATE DATABASE registry_bus_credit OWNER :"owner";
REVOKE ALL ON DATABASE registry_bus_credit FROM PUBLIC;

CREATE ROLE registry_bus_bond_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'bond_password';
CREATE DATABASE registry_bus_bond OWNER :"owner";
REVOKE ALL ON DATABASE registry_bus_bond FROM PUBLIC;
SQL
