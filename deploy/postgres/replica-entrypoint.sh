#!/usr/bin/env bash
# A streaming replica (hot standby) of the primary: on first start, a base backup of it with
# pg_basebackup -R (which writes standby.signal and primary_conninfo), on the slot the primary
# created for it; then PostgreSQL in recovery, replaying WAL as the primary streams it.
# runbooks/scaling-out.md says how to add another.
set -euo pipefail
: "${PGDATA:=/var/lib/postgresql/data}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h "$PRIMARY_HOST" -p 5432 -q; do sleep 1; done
  rm -rf "${PGDATA:?}"/*
  PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h "$PRIMARY_HOST" -p 5432 -U replicator \
    -D "$PGDATA" -R -X stream -S "$REPLICATION_SLOT" --checkpoint=fast
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c hot_standby_feedback=on
