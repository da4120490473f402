#!/usr/bin/env bash
# Stops the multi-process Vitess cluster started by start.sh (and tablets added by tablet.sh),
# by the pids recorded in $VSTREAM_CLUSTER_RUN/pids and the mysqld pid files in the data dir
# (never by process name), waits for the processes to exit and removes the pid files.
#   stop.sh              stop and delete all data (next start.sh starts fresh)
#   stop.sh --keep-data  stop but keep the topology (etcd), MySQL data and binlogs; the next
#                        start.sh resumes on them, so saved VStream positions stay valid
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
T0=$SECONDS
mkdir -p "$PID_DIR"

# mysqlds whose pids were not recorded yet (start.sh interrupted): take them from the data dir.
for d in "$DATA_DIR"/vt_*; do
  [ -d "$d" ] || continue
  uid="$((10#${d##*/vt_}))"
  record_mysqld_pids "$uid"
done

# 1. vtgate (clients see the stream end), 2. vttablets, 3. vtctld, 4. mysqlds, 5. etcd.
stop_pid "$PID_DIR/vtgate.pid" vtgate 20
for f in "$PID_DIR"/vttablet-*.pid; do
  [ -f "$f" ] || continue
  stop_pid "$f" vttablet 20 &
done
wait
stop_pid "$PID_DIR/vtctld.pid" vtctld 10
# vtorc is not used (see README), but stop one if somebody started it with a pid file here.
stop_pid "$PID_DIR/vtorc.pid" vtorc 10
# A clean SIGTERM shutdown makes mysqld_safe exit instead of restarting mysqld; mysqld_safe
# itself ignores SIGTERM, so it gets SIGKILL if it is still there afterwards.
for f in "$PID_DIR"/mysqld-*.pid; do
  [ -f "$f" ] || continue
  ( stop_pid "$f" mariadbd 60; stop_pid "$f" mysqld 60 ) &
done
wait
for f in "$PID_DIR"/mysqld_safe-*.pid; do
  [ -f "$f" ] || continue
  if sp="$(pid_alive "$f")" && cmdline_has "$sp" mysqld_safe; then
    wait_exit "$sp" 5 || stop_pid "$f" mysqld_safe 1 KILL
  fi
  rm -f "$f"
done
stop_pid "$PID_DIR/etcd.pid" etcd 10

rm -f "$PID_DIR"/*.pid "$STATE_FILE"
if [ "$KEEP_DATA" = 1 ]; then
  log "stopped in $((SECONDS - T0))s; data kept in $DATA_DIR"
else
  rm -rf "$DATA_DIR" "$TABLET_DIR" "$RUN_DIR/vtroot" "$RUN_DIR/home" "$RUN_DIR/config"
  log "stopped in $((SECONDS - T0))s; data removed (logs kept in $LOG_DIR)"
fi
