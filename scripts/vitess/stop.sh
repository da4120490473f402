#!/usr/bin/env bash
# Stops the local Vitess cluster started by start.sh, by the pids start.sh recorded
# (never by process name), waits for the processes to exit and removes the pid files.
#   stop.sh              stop and delete the MySQL data (next start.sh starts fresh)
#   stop.sh --keep-data  stop but keep MySQL data and binlogs; the next start.sh resumes on
#                        them, so saved VStream positions stay valid ("restart vtgate")
# Logs stay in the run dir either way.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

KEEP_DATA=0
for a in "$@"; do
  case "$a" in
    --keep-data) KEEP_DATA=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) die "unknown argument: $a" ;;
  esac
done

[ -d "$RUN_DIR" ] || { log "nothing to stop ($RUN_DIR does not exist)"; exit 0; }
DATA_DIR="$RUN_DIR/data"

# stop_pid PIDFILE WORD GRACE_SECONDS
stop_pid() {
  local f="$1" word="$2" grace="$3" pid
  pid="$(pid_alive "$f")" || return 0
  if ! cmdline_has "$pid" "$word"; then
    kill -0 "$pid" 2>/dev/null && log "pid $pid from $f is no longer $word; not touching it"
    return 0
  fi
  log "stopping $word (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_exit "$pid" "$grace"; then
    log "$word (pid $pid) did not exit within ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_exit "$pid" 10 || log "WARNING: pid $pid still alive"
  fi
}

# children_matching PPID WORD -> pids of PPID's child processes whose command line has WORD
children_matching() {
  local d
  for d in /proc/[0-9]*; do
    [ "$(awk '{print $4}' "$d/stat" 2>/dev/null)" = "$1" ] || continue
    cmdline_has "${d#/proc/}" "$2" && echo "${d#/proc/}"
  done
  return 0
}

# Record what vttestserver started, in case start.sh did not get that far: if vttestserver is
# stopped while it waits for vtcombo, it exits without stopping vtcombo.
if vt="$(pid_alive "$RUN_DIR/vttestserver.pid")"; then
  c="$(children_matching "$vt" vtcombo | head -1)"
  [ -n "$c" ] && echo "$c" >"$RUN_DIR/vtcombo.pid"
fi
if m="$(pid_alive "$DATA_DIR/vt_0000000001/mysql.pid")"; then
  echo "$m" >"$RUN_DIR/mysqld.pid"
  pp="$(awk '{print $4}' "/proc/$m/stat" 2>/dev/null || true)"
  [ -n "$pp" ] && cmdline_has "$pp" mysqld_safe && echo "$pp" >"$RUN_DIR/mysqld_safe.pid"
fi

# vttestserver shuts vtcombo down and runs `mysqlctl shutdown` itself on SIGTERM.
stop_pid "$RUN_DIR/vttestserver.pid" vttestserver 60
# Leftovers (vttestserver crashed, was killed, or was stopped during startup): vtcombo, then
# mysqld (a clean SIGTERM shutdown makes mysqld_safe exit instead of restarting it; mysqld_safe
# ignores SIGTERM itself, so it gets SIGKILL if it is still there).
stop_pid "$RUN_DIR/vtcombo.pid" vtcombo 20
stop_pid "$RUN_DIR/mysqld.pid" mariadbd 60
stop_pid "$RUN_DIR/mysqld.pid" mysqld 60
if sp="$(pid_alive "$RUN_DIR/mysqld_safe.pid")" && cmdline_has "$sp" mysqld_safe; then
  wait_exit "$sp" 5 || stop_pid "$RUN_DIR/mysqld_safe.pid" mysqld_safe 1
fi

rm -f "$RUN_DIR"/*.pid "$STATE_FILE"
if [ "$KEEP_DATA" = 1 ]; then
  log "stopped; MySQL data kept in $DATA_DIR"
else
  rm -rf "$DATA_DIR" "$RUN_DIR/vtroot" "$RUN_DIR/schema" "$RUN_DIR/home"
  log "stopped; data removed (logs kept in $RUN_DIR)"
fi
