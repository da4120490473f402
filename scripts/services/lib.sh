# Shared helpers for the service scripts; sourced, not run.
# Every server runs on loopback only, keeps its data under $VSTREAM_SERVICES_DIR and is stopped by
# the PID it wrote there, never by name, so servers started by anything else are left alone.

VSTREAM_SERVICES_DIR="${VSTREAM_SERVICES_DIR:-/tmp/vstream-services}"
VSTREAM_SERVICES_TIMEOUT="${VSTREAM_SERVICES_TIMEOUT:-60}"

log() {
	echo "[$(basename "$0" .sh)] $*" >&2
}

die() {
	log "ERROR: $*"
	exit 1
}

require_root() {
	[ "$(id -u)" -eq 0 ] || die "run as root (packages are installed with apt-get)"
}

# The base directory must be traversable by the postgres user, whatever the caller's umask.
ensure_base_dir() {
	mkdir -p "$VSTREAM_SERVICES_DIR"
	chmod 755 "$VSTREAM_SERVICES_DIR"
}

package_installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# Install the Debian packages that are missing. The package lists are refreshed only then, so a
# machine that has everything needs no network.
ensure_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		package_installed "$pkg" || missing+=("$pkg")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	require_root
	log "installing ${missing[*]}"
	# Debian starts a server when its package is installed (redis on 6379, PostgreSQL on 5432,
	# MariaDB on 3306). We want only our own instances, so service starts are refused while
	# installing, unless the machine already refuses them (Docker images do).
	local policy=/usr/sbin/policy-rc.d added_policy=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		added_policy=1
	fi
	local rc=0
	{
		apt-get update -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
				-o DPkg::Lock::Timeout=300 "${missing[@]}"
	} >"$VSTREAM_SERVICES_DIR/apt-$(basename "$0" .sh).log" 2>&1 || rc=$?
	[ -n "$added_policy" ] && rm -f "$policy"
	if [ "$rc" -ne 0 ]; then
		tail -n 30 "$VSTREAM_SERVICES_DIR/apt-$(basename "$0" .sh).log" >&2 || true
		die "could not install ${missing[*]} (log: $VSTREAM_SERVICES_DIR/apt-$(basename "$0" .sh).log)"
	fi
}

# Print the PID stored in a pid file if that process is alive and runs the expected program
# (the check guards against a PID reused after a crash); print nothing otherwise.
live_pid() {
	local pidfile="$1" program="$2" pid
	[ -s "$pidfile" ] || return 0
	pid="$(head -n 1 "$pidfile" 2>/dev/null | tr -dc '0-9' || true)"
	[ -n "$pid" ] || return 0
	[ -r "/proc/$pid/cmdline" ] || return 0
	# A zombie keeps its /proc entry but is already gone.
	[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != "Z" ] || return 0
	local cmdline
	cmdline="$( { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null)" || return 0
	case "$cmdline" in
	*"$program"*) ;;
	*) return 0 ;;
	esac
	echo "$pid"
}

# Wait until a command succeeds, for at most $VSTREAM_SERVICES_TIMEOUT seconds, failing early
# when the server process is gone.
# wait_until DESCRIPTION LOGFILE PID COMMAND...   (PID may be empty)
wait_until() {
	local what="$1" logfile="$2" pid="$3"
	shift 3
	local deadline=$((SECONDS + VSTREAM_SERVICES_TIMEOUT))
	until "$@" >/dev/null 2>&1; do
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			tail -n 30 "$logfile" >&2 2>/dev/null || true
			die "$what exited while starting (log: $logfile)"
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			tail -n 30 "$logfile" >&2 2>/dev/null || true
			die "$what did not accept connections within ${VSTREAM_SERVICES_TIMEOUT}s (log: $logfile)"
		fi
		sleep 0.5
	done
}

# Stop the process of a pid file: TERM, then KILL if it has not exited in time.
# stop_pid NAME PIDFILE PROGRAM [SIGNAL]
stop_pid() {
	local name="$1" pidfile="$2" program="$3" signal="${4:-TERM}" pid
	pid="$(live_pid "$pidfile" "$program")"
	if [ -z "$pid" ]; then
		log "$name is not running"
		rm -f "$pidfile"
		return 0
	fi
	log "stopping $name (pid $pid)"
	kill "-$signal" "$pid" 2>/dev/null || true
	local deadline=$((SECONDS + VSTREAM_SERVICES_TIMEOUT))
	while [ -n "$(live_pid "$pidfile" "$program")" ]; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			log "$name (pid $pid) did not stop within ${VSTREAM_SERVICES_TIMEOUT}s, killing it"
			kill -KILL "$pid" 2>/dev/null || true
			sleep 1
			break
		fi
		sleep 0.2
	done
	rm -f "$pidfile"
}

# Whether something already listens on a loopback TCP port (bash's /dev/tcp needs no extra tool).
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Print the PID of the server of a pid file once it answers; print nothing when it is not running.
# running_pid NAME PIDFILE PROGRAM LOGFILE READY_COMMAND...
running_pid() {
	local name="$1" pidfile="$2" program="$3" logfile="$4" pid
	shift 4
	pid="$(live_pid "$pidfile" "$program")"
	[ -n "$pid" ] || return 0
	wait_until "$name" "$logfile" "$pid" "$@"
	echo "$pid"
}

# Fail when another process holds the port a server is about to take.
# require_free_port PORT VARIABLE   (VARIABLE: the setting that moves the server to another port)
require_free_port() {
	if port_in_use "$1"; then
		die "port $1 is in use by another process; set $2"
	fi
}

# Say whether the server of a pid file runs and answers; fail when it does not.
# print_status NAME PIDFILE PROGRAM PORT READY_COMMAND...
print_status() {
	local name="$1" pidfile="$2" program="$3" port="$4" pid
	shift 4
	pid="$(live_pid "$pidfile" "$program")"
	if [ -n "$pid" ] && "$@" >/dev/null 2>&1; then
		echo "$name running (pid $pid) on 127.0.0.1:$port"
	else
		echo "$name not running"
		return 1
	fi
}

# Run the start, stop or status function of a service script, as its first argument says.
# service_main "$@"
service_main() {
	case "${1:-}" in
	start | stop | status) "$1" ;;
	*)
		echo "usage: $0 start|stop|status" >&2
		exit 2
		;;
	esac
}
