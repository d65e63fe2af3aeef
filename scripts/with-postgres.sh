#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server, as .ci/run does: its own data directory and a
# free port (a server already on the machine is left alone), password login over TCP, stopped and
# deleted on exit. AMANST_TEST_POSTGRES_URL points the tests at it.
#
#   scripts/with-postgres.sh                      # the PostgreSQL tests (the register on PostgreSQL)
#   scripts/with-postgres.sh .venv/bin/python -m pytest     # the whole suite
#
# Needs the Debian package postgresql (its binaries under /usr/lib/postgresql/*/bin). As root the
# server runs as the user postgres; as anyone else, as that user.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  set -- .venv/bin/python -m pytest -q -p no:cacheprovider -k "postgres" tests/certificates
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)." >&2
  exit 2
fi
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pg_dir=$(mktemp -d /tmp/amanst-pg.XXXXXX)
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$pg_dir"; fi
stop() {
  as_owner "'$pg_bin/pg_ctl' -D '$pg_dir/data' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop EXIT
as_owner "'$pg_bin/initdb' -D '$pg_dir/data' -U postgres --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 >/dev/null"
as_owner "'$pg_bin/pg_ctl' -D '$pg_dir/data' -l '$pg_dir/log' -w -o \
  \"-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1\" start >/dev/null"
as_owner "psql -q -h '$pg_dir' -p $pg_port -U postgres -v ON_ERROR_STOP=1 \
  -c \"CREATE ROLE amanst_test LOGIN PASSWORD 'amanst_test'\" \
  -c 'CREATE DATABASE amanst_test OWNER amanst_test'"
export AMANST_TEST_POSTGRES_URL="postgresql://amanst_test:amanst_test@127.0.0.1:$pg_port/amanst_test"
echo "PostgreSQL på 127.0.0.1:$pg_port (tillfällig, tas bort efteråt): $*" >&2
"$@"
