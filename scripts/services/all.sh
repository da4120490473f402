#!/usr/bin/env bash
# Start or stop every server the tests need (Redis, PostgreSQL, MariaDB), installing missing
# Debian packages first. On start, prints the connection settings and writes them to
# $VSTREAM_SERVICES_DIR/services.env, which the tests read when the variables are not set.
#   scripts/services/all.sh start|stop|status
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/lib.sh"

ENV_FILE="$VSTREAM_SERVICES_DIR/services.env"

write_env() {
	local tmp="$ENV_FILE.tmp"
	cat >"$tmp" <<ENV
# Written by scripts/services/all.sh start; read by the offset store tests.
VSTREAM_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:${VSTREAM_POSTGRES_PORT:-15432}/vstream
VSTREAM_TEST_POSTGRES_USER=vstream
VSTREAM_TEST_POSTGRES_PASSWORD=vstream
VSTREAM_TEST_MARIADB_URL=jdbc:mariadb://127.0.0.1:${VSTREAM_MARIADB_PORT:-13306}/vstream
VSTREAM_TEST_MARIADB_USER=vstream
VSTREAM_TEST_MARIADB_PASSWORD=vstream
VSTREAM_TEST_REDIS_HOST=127.0.0.1
VSTREAM_TEST_REDIS_PORT=${VSTREAM_REDIS_PORT:-16379}
ENV
	mv "$tmp" "$ENV_FILE"
}

# Run one command of each service script, in the order given, going on past a failure: fail at
# the end if any failed.
run_each() {
	local command="$1" service rc=0
	shift
	for service in "$@"; do
		"$HERE/$service.sh" "$command" || rc=1
	done
	return "$rc"
}

case "${1:-}" in
start)
	ensure_base_dir
	# One after the other, stopping at the first that fails.
	"$HERE/redis.sh" start
	"$HERE/postgres.sh" start
	"$HERE/mariadb.sh" start
	write_env
	echo "Test services are running. Connection settings (also in $ENV_FILE):"
	grep -v '^#' "$ENV_FILE"
	;;
stop)
	# Stop all, even when one fails, and report the failure afterwards.
	rc=0
	run_each stop mariadb postgres redis || rc=1
	rm -f "$ENV_FILE"
	exit "$rc"
	;;
status)
	run_each status redis postgres mariadb
	;;
*)
	echo "usage: $0 start|stop|status" >&2
	exit 2
	;;
esac
