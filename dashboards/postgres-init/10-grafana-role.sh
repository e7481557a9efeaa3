#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised: a read-only login for Grafana's data source.
# pg_read_all_data also covers the tables Fingerpost's migrations create later.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v grafana_password="$GRAFANA_DB_PASSWORD" <<'SQL'
CREATE ROLE grafana LOGIN PASSWORD :'grafana_password';
GRANT pg_read_all_data TO grafana;
SQL
