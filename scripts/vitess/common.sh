# Shared settings for the local Vitess test cluster scripts. Sourced, not executed.
# shellcheck shell=bash

# Pinned Vitess release (Go module version v0.N.x == Vitess N.0.x).
# v0.24.4 (Vitess 24.0.4): newest version the Go module proxy serves as a complete module;
# it compiles with Go 1.26 as is (ensure_swiss_map.go has the `!go1.26` fix) and still has
# the MariaDB flavor that Debian 12's MariaDB 10.11 needs.
VITESS_VERSION="${VSTREAM_VITESS_VERSION:-v0.24.4}"
VITESS_MODULE="vitess.io/vitess"

# Built binaries and config, outside the repo, keyed by version.
VSTREAM_CACHE="${VSTREAM_CACHE:-$HOME/.cache/vstream-spring-boot}"
VTROOT_CACHE="$VSTREAM_CACHE/vitess-$VITESS_VERSION"

# Runtime state: pid files, logs, MySQL data, vitess.env.
RUN_DIR="${VSTREAM_VITESS_RUN:-/tmp/vstream-vitess}"
STATE_FILE="$RUN_DIR/vitess.env"

# vttestserver --port P: P = vtcombo HTTP, P+1 = vtgate gRPC (VStream), P+2 = mysqld,
# P+3 = vtgate MySQL protocol.
BASE_PORT="${VSTREAM_VITESS_BASE_PORT:-15990}"
VTCOMBO_HTTP_PORT=$((BASE_PORT))
VTGATE_GRPC_PORT=$((BASE_PORT + 1))
MYSQLD_PORT=$((BASE_PORT + 2))
VTGATE_MYSQL_PORT=$((BASE_PORT + 3))
VTGATE_HOST=127.0.0.1

# mysqlctl and vtcombo refuse to run as root, so as root the cluster runs as this user.
VITESS_RUN_USER="${VSTREAM_VITESS_USER:-vitess}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[vitess] %s\n' "$*" >&2; }
die() { printf '[vitess] ERROR: %s\n' "$*" >&2; exit 1; }

# port_open PORT -> 0 if something accepts TCP connections on 127.0.0.1:PORT
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pid_alive PIDFILE -> prints the pid and returns 0 if the process in PIDFILE runs
pid_alive() {
  local f="$1" pid
  [ -s "$f" ] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# mysql client against vtgate's MySQL port (vttestserver runs it with --mysql-auth-server-impl none)
vtgate_mysql() {
  mysql --protocol=TCP -h "$VTGATE_HOST" -P "$VTGATE_MYSQL_PORT" -u vstream --connect-timeout=5 "$@"
}
