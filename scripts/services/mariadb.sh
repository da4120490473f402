#!/usr/bin/env bash
# Start or stop a throw-away standalone MariaDB server for the tests, separate from any other
# MariaDB on the machine (Vitess's included): its own datadir, socket and port, loopback only,
# database "vstream" and user "vstream" (password "vstream").
#   scripts/services/mariadb.sh start|stop|status
# Environment: VSTREAM_MARIADB_PORT (default 13306), VSTREAM_SERVICES_DIR (default /tmp/vstream-services).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${VSTREAM_MARIADB_PORT:-13306}"
RUN_DIR="$VSTREAM_SERVICES_DIR/mariadb"
DATA_DIR="$RUN_DIR/data"
SOCKET="$RUN_DIR/mariadb.sock"
PIDFILE="$RUN_DIR/mariadb.pid"
LOGFILE="$RUN_DIR/mariadb.log"
DB_NAME=vstream
DB_USER=vstream
DB_PASSWORD=vstream

# root is authenticated by unix_socket as the OS user root, so admin access needs no password.
# --no-defaults everywhere: /etc/mysql belongs to the system server and to other scripts.
mariadb_admin_sql() {
	mariadb --no-defaults -S "$SOCKET" -u root -N -B -e "$1"
}

ready() {
	mariadb-admin --no-defaults -S "$SOCKET" -u root --connect-timeout=2 ping
}

ensure_database() {
	mariadb_admin_sql "
		CREATE DATABASE IF NOT EXISTS $DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
		CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
		CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
		GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'%';
		GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'127.0.0.1';
		GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'localhost';"
	# Prove that the tests' own credentials work over TCP, as the JDBC driver will use them.
	mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P "$PORT" -u "$DB_USER" "-p$DB_PASSWORD" "$DB_NAME" \
		-N -B -e "SELECT 1" >/dev/null ||
		die "MariaDB is up but user $DB_USER cannot log in to database $DB_NAME over TCP (log: $LOGFILE)"
}

start() {
	ensure_base_dir
	ensure_packages mariadb-server mariadb-client
	mkdir -p "$RUN_DIR"
	local pid
	pid="$(running_pid MariaDB "$PIDFILE" mariadbd "$LOGFILE" ready)"
	if [ -n "$pid" ]; then
		ensure_database
		log "MariaDB already running (pid $pid) on 127.0.0.1:$PORT"
		return 0
	fi
	require_free_port "$PORT" VSTREAM_MARIADB_PORT
	if [ ! -d "$DATA_DIR/mysql" ]; then
		log "creating a datadir in $DATA_DIR"
		rm -rf "$DATA_DIR"
		mariadb-install-db --no-defaults --user=root --datadir="$DATA_DIR" --skip-test-db \
			--skip-name-resolve --auth-root-authentication-method=socket >"$RUN_DIR/install-db.log" 2>&1 ||
			{ tail -n 30 "$RUN_DIR/install-db.log" >&2; die "mariadb-install-db failed (log: $RUN_DIR/install-db.log)"; }
	fi
	# user=root because we are root and mariadbd refuses root otherwise. setsid detaches it from
	# the caller's session; all its output goes to the log so that no caller pipe is held open.
	# Small buffers and no binary log: this server only holds test tables.
	setsid mariadbd --no-defaults --user=root --datadir="$DATA_DIR" \
		--port="$PORT" --bind-address=127.0.0.1 --socket="$SOCKET" --pid-file="$PIDFILE" \
		--log-error="$LOGFILE" --skip-name-resolve --skip-log-bin \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 \
		</dev/null >>"$LOGFILE" 2>&1 &
	pid=$!
	echo "$pid" >"$PIDFILE"
	wait_until "MariaDB" "$LOGFILE" "$pid" ready
	ensure_database
	log "MariaDB started (pid $pid) on 127.0.0.1:$PORT, database $DB_NAME, user $DB_USER"
}

stop() {
	stop_pid MariaDB "$PIDFILE" mariadbd
}

status() {
	print_status MariaDB "$PIDFILE" mariadbd "$PORT" ready
}

service_main "$@"
