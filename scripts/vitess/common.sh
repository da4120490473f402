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

# cmdline_has PID WORD -> the process still is what we started (guards against pid reuse)
cmdline_has() {
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q -- "$2"
}

# wait_exit PID SECONDS -> 0 once PID has exited, 1 if it still runs after SECONDS
wait_exit() {
  local pid="$1" n=$(($2 * 10))
  while [ $n -gt 0 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
  ! kill -0 "$pid" 2>/dev/null
}

# install_os_packages PACKAGE... -> installs the Debian packages that are missing (apt-get,
# as root or through sudo); refreshes the package lists only when there are none or the
# install fails.
install_os_packages() {
  local pkgs=("$@") missing=() p sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "OS packages present: ${pkgs[*]}"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get (Debian/Ubuntu expected)"
  if [ "$(id -u)" -ne 0 ] && [ -z "$sudo" ]; then
    die "missing packages ${missing[*]}; run as root or install sudo"
  fi
  log "installing OS packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
    $sudo apt-get update -q
  fi
  if ! $sudo apt-get install -y -q "${missing[@]}"; then
    $sudo apt-get update -q
    $sudo apt-get install -y -q "${missing[@]}"
  fi
}
