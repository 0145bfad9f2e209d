#!/bin/sh
# The official postgres image's contract, as far as Aspire uses it: a cluster initialised once in $PGDATA with
# superuser $POSTGRES_USER / $POSTGRES_PASSWORD, clients anywhere by password ($POSTGRES_HOST_AUTH_METHOD), and the
# server run as the postgres user in the foreground. setpriv, not runuser: it execs, so the server is PID 1 and the
# runtime's stop signal (SIGINT, a fast shutdown) reaches it.
set -eu
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
mkdir -p "$PGDATA"
chown postgres:postgres "$PGDATA"
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  chown postgres "$pwfile"
  # POSTGRES_INITDB_ARGS is a list of flags, split as the official image splits it.
  # shellcheck disable=SC2086
  as_postgres initdb -D "$PGDATA" -U "${POSTGRES_USER:-postgres}" --pwfile="$pwfile" ${POSTGRES_INITDB_ARGS:-}
  rm -f "$pwfile"
  printf 'host all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >>"$PGDATA/pg_hba.conf"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA" -c listen_addresses='*' "$@"
