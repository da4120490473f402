#!/usr/bin/env bash
# Adds or removes tablets (each a mysqld + a vttablet) of the running multi-process cluster,
# e.g. the target shards of a Reshard.
#   tablet.sh add KEYSPACE SHARD [COUNT|UID...]
#       new tablets for KEYSPACE/SHARD (default 2: a primary and a replica; uids from the
#       first free hundred, e.g. 400 401), `mysqlctl init`, vttablet, then PlannedReparentShard
#       to the first one if the shard has no primary yet. Prints the new aliases.
#       The shard gets no schema here: Reshard/MoveTables copy it from the source.
#   tablet.sh remove ALIAS|UID...
#       stops vttablet and mysqld, deletes the tablet from the topology (--allow-primary),
#       deletes its data and forgets it.
#   tablet.sh list
#       uid keyspace shard alias for every tablet this run dir knows.
# Updates cluster.env.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

usage() { sed -n '2,15p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
[ -d "$TABLET_DIR" ] && port_open "$VTCTLD_GRPC_PORT" || die "the cluster is not running (start.sh)"

free_group() {
  local g
  for g in 1 2 3 4 5 6 7 8 9; do
    compgen -G "$TABLET_DIR/${g}0[0-9]" >/dev/null || { echo "$g"; return; }
  done
  die "no free tablet uid group (100..909) left"
}

cmd_add() {
  local ks="${1:-}" shard="${2:-}"; shift 2 || usage
  [ -n "$ks" ] && [ -n "$shard" ] || usage
  local uids=() n=2 g uid i
  if [ $# -eq 1 ] && [ "$1" -lt 100 ] 2>/dev/null; then n="$1"; shift; fi
  if [ $# -gt 0 ]; then
    uids=("$@")
  else
    g="$(free_group)"
    for ((i = 0; i < n; i++)); do uids+=($((g * 100 + i))); done
  fi
  for uid in "${uids[@]}"; do
    valid_uid "$uid" || die "tablet uid $uid: must be 100..909 with uid % 100 < 10 (port map)"
    [ -e "$TABLET_DIR/$uid" ] && die "tablet $uid already exists ($(cat "$TABLET_DIR/$uid"))"
    for p in "$(tablet_http_port "$uid")" "$(tablet_grpc_port "$uid")" "$(tablet_mysql_port "$uid")"; do
      port_open "$p" && die "port $p (tablet $uid) is already in use"
    done
  done
  local t0=$SECONDS jobs=()
  for uid in "${uids[@]}"; do
    echo "$ks $shard" >"$TABLET_DIR/$uid"
    start_mysqld "$uid" &
    jobs+=($!)
  done
  for i in "${!jobs[@]}"; do
    wait "${jobs[$i]}" || die "mysqld of tablet ${uids[$i]} did not start (log $LOG_DIR/mysqlctl-${uids[$i]}.log)"
  done
  jobs=()
  for uid in "${uids[@]}"; do
    start_vttablet "$uid" &
    jobs+=($!)
  done
  for i in "${!jobs[@]}"; do
    wait "${jobs[$i]}" || die "vttablet ${uids[$i]} did not start (log $LOG_DIR/vttablet-${uids[$i]}.log)"
  done
  # Wait until the tablets are in the topology, then give the shard a primary if it has none.
  for uid in "${uids[@]}"; do
    until vtctl GetTablet "$(tablet_alias "$uid")" >/dev/null; do
      [ $((SECONDS - t0)) -lt 120 ] || die "tablet $uid did not register"
      sleep 0.3
    done
  done
  if [ -z "$(shard_primary "$ks" "$shard")" ]; then
    local out
    out="$(vtctl PlannedReparentShard --new-primary "$(tablet_alias "${uids[0]}")" "$ks/$shard")" \
      || die "PlannedReparentShard $ks/$shard failed: $out"
  fi
  write_state
  log "added ${uids[*]} to $ks/$shard in $((SECONDS - t0))s"
  for uid in "${uids[@]}"; do tablet_alias "$uid"; echo; done
}

cmd_remove() {
  [ $# -ge 1 ] || usage
  local a uid alias
  for a in "$@"; do
    uid="$(uid_of "$a")"
    alias="$(tablet_alias "$uid")"
    stop_pid "$PID_DIR/vttablet-$uid.pid" vttablet 20
    vtctl DeleteTablets --allow-primary "$alias" >/dev/null 2>&1 || true
    record_mysqld_pids "$uid"
    stop_pid "$PID_DIR/mysqld-$uid.pid" mariadbd 60
    stop_pid "$PID_DIR/mysqld-$uid.pid" mysqld 60
    if sp="$(pid_alive "$PID_DIR/mysqld_safe-$uid.pid")" && cmdline_has "$sp" mysqld_safe; then
      wait_exit "$sp" 5 || stop_pid "$PID_DIR/mysqld_safe-$uid.pid" mysqld_safe 1 KILL
    fi
    rm -f "$PID_DIR/mysqld_safe-$uid.pid"
    rm -rf "$(tablet_data_dir "$uid")" "$TABLET_DIR/$uid"
    log "removed tablet $alias"
  done
  write_state
}

cmd_list() {
  local uid ks shard
  for uid in $(ls "$TABLET_DIR" | sort -n); do
    read -r ks shard <"$TABLET_DIR/$uid"
    echo "$uid $ks $shard $(tablet_alias "$uid")"
  done
}

c="$1"; shift
case "$c" in
  add) cmd_add "$@" ;;
  remove) cmd_remove "$@" ;;
  list) cmd_list ;;
  *) usage ;;
esac
