#!/usr/bin/env bash
# Start or stop a throw-away redis-server for the tests: loopback only, no persistence.
#   scripts/services/redis.sh start|stop|status
# Environment: VSTREAM_REDIS_PORT (default 16379), VSTREAM_SERVICES_DIR (default /tmp/vstream-services).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${VSTREAM_REDIS_PORT:-16379}"
RUN_DIR="$VSTREAM_SERVICES_DIR/redis"
PIDFILE="$RUN_DIR/redis.pid"
LOGFILE="$RUN_DIR/redis.log"

redis_ping() {
	[ "$(redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null)" = "PONG" ]
}

start() {
	ensure_base_dir
	ensure_packages redis-server
	mkdir -p "$RUN_DIR"
	local pid
	pid="$(running_pid redis-server "$PIDFILE" redis-server "$LOGFILE" redis_ping)"
	if [ -n "$pid" ]; then
		log "redis-server already running (pid $pid) on 127.0.0.1:$PORT"
		return 0
	fi
	require_free_port "$PORT" VSTREAM_REDIS_PORT
	# A pid file left by a killed server would pass the wait below at once and name a dead PID.
	rm -f "$PIDFILE"
	# No config file: /etc/redis/redis.conf belongs to the system service. save "" and
	# appendonly no keep everything in memory, which is all a test needs.
	redis-server --port "$PORT" --bind 127.0.0.1 --protected-mode yes \
		--save "" --appendonly no --dir "$RUN_DIR" \
		--daemonize yes --pidfile "$PIDFILE" --logfile "$LOGFILE"
	local deadline=$((SECONDS + 10))
	until [ -s "$PIDFILE" ] || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.1; done
	pid="$(live_pid "$PIDFILE" redis-server)"
	[ -n "$pid" ] || { tail -n 30 "$LOGFILE" >&2 || true; die "redis-server did not start (log: $LOGFILE)"; }
	wait_until "redis-server" "$LOGFILE" "$pid" redis_ping
	log "redis-server started (pid $pid) on 127.0.0.1:$PORT"
}

stop() {
	stop_pid redis-server "$PIDFILE" redis-server
}

status() {
	print_status redis-server "$PIDFILE" redis-server "$PORT" redis_ping
}

service_main "$@"
