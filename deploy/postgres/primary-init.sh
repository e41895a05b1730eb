#!/usr/bin/env bash
# Runs once, when the primary's data directory is created (docker-entrypoint-initdb.d): a role
# for streaming replication, a physical slot per replica (the primary keeps the WAL a replica
# has not received yet) and a pg_hba entry that lets replicas connect for replication.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=pw="$REPLICATION_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD %L', :'pw') \gexec
SELECT pg_create_physical_replication_slot('replica1');
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
