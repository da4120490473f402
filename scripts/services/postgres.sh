#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL cluster for the tests: its own initdb in the run directory,
# loopback only, database "vstream" owned by user "vstream" (password "vstream").
#   scripts/services/postgres.sh start|stop|status
# Environment: VSTREAM_POSTGRES_PORT (default 15432), VSTREAM_SERVICES_DIR (default /tmp/vstream-services).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${VSTREAM_POSTGRES_PORT:-15432}"
RUN_DIR="$VSTREAM_SERVICES_DIR/postgres"
DATA_DIR="$RUN_DIR/data"
PIDFILE="$DATA_DIR/postmaster.pid"
LOGFILE="$RUN_DIR/postgres.log"
DB_NAME=vstream
DB_USER=vstream
DB_PASSWORD=vstream

# Debian installs each major version under /usr/lib/postgresql/<version>/bin; take the newest.
pg_bin() {
	local dir
	dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
	if [ ! -x "$dir/initdb" ]; then
		die "no PostgreSQL server binaries under /usr/lib/postgresql"
	fi
	echo "$dir"
}

# initdb and the server refuse to run as root; the postgresql package creates this user.
as_postgres() {
	(cd "$RUN_DIR" && runuser -u postgres -- "$@")
}

# Superuser access goes through the Unix socket in the run directory (trust), never over TCP.
psql_admin() {
	"$BIN/psql" -X -q -h "$RUN_DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

ready() {
	"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres
}

ensure_database() {
	if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" ]; then
		psql_admin -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'"
	fi
	if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
		psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
	fi
	# Prove that the tests' own credentials work over TCP, as the JDBC driver will use them.
	PGPASSWORD="$DB_PASSWORD" "$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d "$DB_NAME" \
		-v ON_ERROR_STOP=1 -tAc "SELECT 1" >/dev/null ||
		die "PostgreSQL is up but user $DB_USER cannot log in to database $DB_NAME over TCP (log: $LOGFILE)"
}

start() {
	ensure_base_dir
	ensure_packages postgresql
	BIN="$(pg_bin)"
	id postgres >/dev/null 2>&1 || die "the postgres OS user is missing; reinstall the postgresql-common package"
	mkdir -p "$RUN_DIR"
	chown postgres:postgres "$RUN_DIR"
	chmod 700 "$RUN_DIR"
	local pid
	pid="$(running_pid PostgreSQL "$PIDFILE" postgres "$LOGFILE" ready)"
	if [ -n "$pid" ]; then
		ensure_database
		log "PostgreSQL already running (pid $pid) on 127.0.0.1:$PORT"
		return 0
	fi
	require_free_port "$PORT" VSTREAM_POSTGRES_PORT
	# No live postgres owns the pid file (checked above), so it is a killed server's: a PID reused
	# since by another process would make PostgreSQL refuse to start.
	rm -f "$PIDFILE"
	if [ ! -s "$DATA_DIR/PG_VERSION" ]; then
		log "creating a cluster in $DATA_DIR"
		rm -rf "$DATA_DIR"
		as_postgres "$BIN/initdb" -D "$DATA_DIR" -U postgres --encoding=UTF8 --locale=C \
			--auth-local=trust --auth-host=scram-sha-256 >"$RUN_DIR/initdb.log" 2>&1 ||
			{ tail -n 30 "$RUN_DIR/initdb.log" >&2; die "initdb failed (log: $RUN_DIR/initdb.log)"; }
	fi
	# Settings on the command line, not in postgresql.conf, so a kept data directory always
	# starts with the current ones. The socket lives in the run directory because
	# /var/run/postgresql may not exist on a machine without systemd. fsync off: test data only.
	touch "$LOGFILE"
	chown postgres:postgres "$LOGFILE"
	as_postgres "$BIN/pg_ctl" -D "$DATA_DIR" -l "$LOGFILE" -w -t "$VSTREAM_SERVICES_TIMEOUT" start \
		-o "-p $PORT -c listen_addresses=127.0.0.1 -k $RUN_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		>/dev/null || { tail -n 30 "$LOGFILE" >&2 || true; die "PostgreSQL did not start (log: $LOGFILE)"; }
	pid="$(live_pid "$PIDFILE" postgres)"
	[ -n "$pid" ] || { tail -n 30 "$LOGFILE" >&2 || true; die "PostgreSQL exited after starting (log: $LOGFILE)"; }
	wait_until "PostgreSQL" "$LOGFILE" "$pid" ready
	ensure_database
	log "PostgreSQL started (pid $pid) on 127.0.0.1:$PORT, database $DB_NAME, user $DB_USER"
}

stop() {
	# SIGINT is PostgreSQL's fast shutdown: sessions are ended, data is flushed.
	stop_pid PostgreSQL "$PIDFILE" postgres INT
}

status() {
	BIN="$(pg_bin)"
	print_status PostgreSQL "$PIDFILE" postgres "$PORT" ready
}

service_main "$@"
