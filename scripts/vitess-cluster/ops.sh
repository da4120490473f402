#!/usr/bin/env bash
# Fault and topology operations on the running multi-process cluster, one command each, for
# tests (ProcessBuilder) and by hand. Tablets are named by alias (zone1-0000000101) or uid (101).
# Exit code 0 = done; the log (stderr) says what happened and how long it took; stdout carries
# only results (aliases, workflow state).
#
#   ops.sh primary KS SHARD              alias of the shard's primary (per vtctld)
#   ops.sh replica KS SHARD              alias of the shard's first replica
#   ops.sh reparent KS SHARD [ALIAS]     PlannedReparentShard to ALIAS (default: the replica)
#   ops.sh ers KS SHARD [ALIAS]          EmergencyReparentShard (default: vtctld picks)
#   ops.sh reparent-tablet ALIAS         point a tablet (old primary after an ERS) at the
#                                        shard primary again: ReparentTablet + StartReplication
#   ops.sh kill-tablet ALIAS             SIGKILL the vttablet (mysqld stays up)
#   ops.sh stop-tablet ALIAS             SIGTERM the vttablet
#   ops.sh start-tablet ALIAS            start the vttablet (if not running); waits until
#                                        it serves
#   ops.sh restart-tablet ALIAS          stop-tablet + start-tablet
#   ops.sh kill-mysqld ALIAS             SIGKILL mysqld_safe and mysqld: stays down
#   ops.sh crash-mysqld ALIAS            SIGKILL mysqld only: mysqld_safe restarts it at once
#   ops.sh start-mysqld ALIAS            `mysqlctl start` (if down), then: the shard primary is
#                                        made writable (SetWritable), a replica replicates again
#                                        (StartReplication), an old primary after an ERS is
#                                        reparented to the new one (ReparentTablet)
#   ops.sh kill-vtgate | stop-vtgate | start-vtgate | restart-vtgate
#   ops.sh wait-serving KS SHARD [SECS]  until vtgate has a serving primary for the shard
#   ops.sh reshard KS WORKFLOW SOURCE_SHARDS TARGET_SHARDS [--no-switch|--no-complete]
#       adds 2 tablets per target shard that has none (tablet.sh add), Reshard create, waits
#       for the copy, SwitchTraffic (all tablet types), complete, then stops and deletes the
#       source shards' tablets and DeleteShards. --no-switch stops after the copy,
#       --no-complete after SwitchTraffic.
#   ops.sh movetables KS_FROM KS_TO WORKFLOW TABLES [--no-switch|--no-complete]
#       same steps with MoveTables (the target keyspace's vschema must already name TABLES
#       if it is sharded).
#   ops.sh workflow KS WORKFLOW create-args...|show|switch|reverse|complete|cancel|wait-copy
#       a single step of a Reshard/MoveTables workflow (KS = target keyspace; TYPE from env
#       WORKFLOW_TYPE=Reshard|MoveTables, default Reshard)
#   ops.sh create-keyspace KS SHARDS [SCHEMA_DIR]
#       a new sharded keyspace (durability none) with 2 tablets per shard (SHARDS comma-
#       separated, e.g. -80,80-; uids from the lowest free hundreds), the schema and vschema of
#       SCHEMA_DIR (default scripts/vitess/schema/customer: customer, corder, hash vindex);
#       waits until vtgate serves every shard. For tests that reshard a keyspace of their own.
#   ops.sh drop-keyspace KS
#       kills and removes every tablet of KS (tablet.sh remove), DeleteKeyspace --recursive
#       --force and RebuildVSchemaGraph (vtgate forgets its vschema). No-op if KS is unknown.
#   ops.sh vtctl ARGS...                 vtctldclient against this cluster's vtctld
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

usage() { sed -n '2,45p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
T0=$SECONDS
done_log() { log "$* ($((SECONDS - T0))s)"; }

need_cluster() { port_open "$VTCTLD_GRPC_PORT" || die "vtctld does not answer on $VTCTLD_GRPC_PORT: is the cluster running?"; }

# resolve ALIAS|UID -> sets UID_ and ALIAS_, checks the tablet is ours
resolve() {
  [ -n "${1:-}" ] || usage
  UID_="$(uid_of "$1")"
  ALIAS_="$(tablet_alias "$UID_")"
  [ -f "$TABLET_DIR/$UID_" ] || die "unknown tablet $1 (tablet.sh list)"
}

# free_groups -> the tablet uid groups (1..9: uids 100..909) no tablet uses, lowest first;
# a group a reshard's complete or drop-keyspace freed is used again (tablet.sh remove deletes
# the tablet's record, data and topology entry), so that a test can reshard more than twice
free_groups() {
  local g
  for g in 1 2 3 4 5 6 7 8 9; do
    compgen -G "$TABLET_DIR/${g}0[0-9]" >/dev/null || echo "$g"
  done
}

tablet_type() { vtctl GetTablets 2>/dev/null | awk -v a="$1" '$1 == a {print $4}'; }

# wait_serving KS SHARD SECS -> vtgate lists a PRIMARY SERVING for KS/SHARD
wait_serving() {
  local ks="$1" shard="$2" deadline=$((SECONDS + ${3:-60}))
  while [ $SECONDS -lt $deadline ]; do
    vtgate_mysql -N -B -e 'show vitess_tablets' 2>/dev/null \
      | awk -v k="$ks" -v s="$shard" '$2 == k && $3 == s && $4 == "PRIMARY" && $5 == "SERVING" {f=1} END {exit !f}' \
      && return 0
    sleep 0.2
  done
  return 1
}

# wait_tablet_serving ALIAS SECS -> vtgate lists the tablet as SERVING
wait_tablet_serving() {
  local alias="$1" deadline=$((SECONDS + ${2:-60}))
  while [ $SECONDS -lt $deadline ]; do
    vtgate_mysql -N -B -e 'show vitess_tablets' 2>/dev/null \
      | awk -v a="$alias" '$6 == a && $5 == "SERVING" {f=1} END {exit !f}' && return 0
    sleep 0.2
  done
  return 1
}

# after_mysqld_start UID -> what vtorc would do after a mysqld came back (read-only, with
# replication stopped: skip_slave_start in Vitess's mariadb10.cnf): the shard record's primary
# is made writable again; a replica replicates again; an old primary (after an ERS) is
# pointed at the new primary (ReparentTablet) and replicates.
after_mysqld_start() {
  local uid="$1" alias
  alias="$(tablet_alias "$uid")"
  if ! pid_alive "$PID_DIR/vttablet-$uid.pid" >/dev/null; then
    # RPCs to it would only time out; start-tablet does this when the vttablet starts (a
    # replica's vttablet also starts replication itself).
    log "vttablet $alias is not running: start-tablet will finish this"
    return 0
  fi
  if [ "$(shard_record_primary "$(tablet_shard "$uid")")" = "$uid" ]; then
    make_writable "$uid" && log "$alias is the shard primary: made writable"
  elif [ "$(tablet_type "$alias")" = replica ] || [ "$(tablet_type "$alias")" = rdonly ]; then
    run_vtctl StartReplication "$alias" || log "StartReplication $alias failed (see above)"
  else
    # An old primary after an EmergencyReparentShard: point it at the new primary.
    log "$alias is no longer the shard primary: ReparentTablet + StartReplication"
    run_vtctl ReparentTablet "$alias" >/dev/null || log "ReparentTablet $alias failed (see above)"
    run_vtctl StartReplication "$alias" || log "StartReplication $alias failed (see above)"
  fi
}

run_vtctl() {
  local out
  if out="$(vtctl "$@")"; then
    [ -n "$out" ] && printf '%s\n' "$out" >&2
    return 0
  fi
  printf '%s\n' "$out" >&2
  return 1
}

cmd="$1"; shift
case "$cmd" in
  primary)
    need_cluster; [ $# -eq 2 ] || usage
    p="$(shard_primary "$1" "$2")"; [ -n "$p" ] || die "no primary for $1/$2"; echo "$p" ;;
  replica)
    need_cluster; [ $# -eq 2 ] || usage
    r="$(shard_tablets "$1" "$2" replica | head -1)"; [ -n "$r" ] || die "no replica for $1/$2"; echo "$r" ;;
  reparent)
    need_cluster; [ $# -ge 2 ] || usage
    ks="$1" shard="$2" new="${3:-}"
    [ -n "$new" ] || new="$(shard_tablets "$ks" "$shard" replica | head -1)"
    [ -n "$new" ] || die "no replica in $ks/$shard to reparent to"
    [[ "$new" == *-* ]] || new="$(tablet_alias "$new")"
    old="$(shard_primary "$ks" "$shard")"
    log "PlannedReparentShard $ks/$shard: $old -> $new"
    run_vtctl PlannedReparentShard --new-primary "$new" "$ks/$shard" || die "PlannedReparentShard $ks/$shard failed after $((SECONDS - T0))s"
    write_state
    done_log "PlannedReparentShard $ks/$shard done: primary $new"
    echo "$new" ;;
  ers)
    need_cluster; [ $# -ge 2 ] || usage
    ks="$1" shard="$2" extra=()
    if [ -n "${3:-}" ]; then n="$3"; [[ "$n" == *-* ]] || n="$(tablet_alias "$n")"; extra=(--new-primary "$n"); fi
    old="$(shard_primary "$ks" "$shard")"
    log "EmergencyReparentShard $ks/$shard (old primary $old)"
    run_vtctl EmergencyReparentShard "${extra[@]}" --wait-replicas-timeout 10s "$ks/$shard" \
      || die "EmergencyReparentShard $ks/$shard failed after $((SECONDS - T0))s"
    new="$(shard_primary "$ks" "$shard")"
    write_state
    done_log "EmergencyReparentShard $ks/$shard done: primary $new"
    echo "$new" ;;
  reparent-tablet)
    need_cluster; resolve "${1:-}"
    run_vtctl ReparentTablet "$ALIAS_" || die "ReparentTablet $ALIAS_ failed"
    run_vtctl StartReplication "$ALIAS_" || log "StartReplication $ALIAS_ failed (see above)"
    done_log "$ALIAS_ replicates from the shard primary again" ;;
  kill-tablet)
    resolve "${1:-}"
    pid="$(pid_alive "$PID_DIR/vttablet-$UID_.pid")" || die "vttablet $ALIAS_ is not running"
    cmdline_has "$pid" vttablet || die "pid $pid is not vttablet"
    kill -KILL "$pid"; wait_exit "$pid" 10 || die "vttablet $pid did not die"
    rm -f "$PID_DIR/vttablet-$UID_.pid"
    done_log "vttablet $ALIAS_ (pid $pid) killed with SIGKILL" ;;
  stop-tablet)
    resolve "${1:-}"
    stop_pid "$PID_DIR/vttablet-$UID_.pid" vttablet 20
    done_log "vttablet $ALIAS_ stopped" ;;
  start-tablet|restart-tablet)
    need_cluster; resolve "${1:-}"
    [ "$cmd" = restart-tablet ] && stop_pid "$PID_DIR/vttablet-$UID_.pid" vttablet 20
    if pid_alive "$PID_DIR/vttablet-$UID_.pid" >/dev/null; then
      log "vttablet $ALIAS_ already running"
    else
      start_vttablet "$UID_" || die "vttablet $ALIAS_ did not start (log $LOG_DIR/vttablet-$UID_.log)"
      # Its mysqld may have restarted meanwhile (read-only): the shard primary must be writable.
      if [ "$(shard_record_primary "$(tablet_shard "$UID_")")" = "$UID_" ]; then
        until vtctl GetTablet "$ALIAS_" | tr -d ' \n' | grep -q '"mysql_port":[1-9]'; do
          [ $((SECONDS - T0)) -lt 60 ] || break
          sleep 0.2
        done
        make_writable "$UID_" || log "could not make $ALIAS_ writable"
      fi
    fi
    if port_open "$VTGATE_MYSQL_PORT"; then
      wait_tablet_serving "$ALIAS_" 60 || die "vttablet $ALIAS_ started but vtgate does not see it SERVING within 60s"
    fi
    done_log "vttablet $ALIAS_ serving" ;;
  kill-mysqld|crash-mysqld)
    resolve "${1:-}"
    record_mysqld_pids "$UID_"
    m="$(pid_alive "$PID_DIR/mysqld-$UID_.pid")" || die "mysqld of $ALIAS_ is not running"
    if [ "$cmd" = kill-mysqld ]; then
      if sp="$(pid_alive "$PID_DIR/mysqld_safe-$UID_.pid")" && cmdline_has "$sp" mysqld_safe; then
        kill -KILL "$sp" 2>/dev/null || true
      fi
      rm -f "$PID_DIR/mysqld_safe-$UID_.pid"
    fi
    kill -KILL "$m"; wait_exit "$m" 10 || die "mysqld $m did not die"
    rm -f "$PID_DIR/mysqld-$UID_.pid"
    if [ "$cmd" = crash-mysqld ]; then
      # mysqld_safe starts a new mysqld (read-only); wait for it and record it.
      for _ in $(seq 1 300); do
        record_mysqld_pids "$UID_"
        [ -s "$PID_DIR/mysqld-$UID_.pid" ] && tablet_mysql "$UID_" -e 'select 1' >/dev/null 2>&1 && break
        sleep 0.1
      done
      after_mysqld_start "$UID_"
      done_log "mysqld of $ALIAS_ (pid $m) killed with SIGKILL; mysqld_safe restarted it (pid $(cat "$PID_DIR/mysqld-$UID_.pid" 2>/dev/null))"
    else
      done_log "mysqld of $ALIAS_ (pid $m) and its mysqld_safe killed with SIGKILL"
    fi ;;
  start-mysqld)
    need_cluster; resolve "${1:-}"
    record_mysqld_pids "$UID_"
    if pid_alive "$PID_DIR/mysqld-$UID_.pid" >/dev/null; then
      log "mysqld of $ALIAS_ already running"
    else
      start_mysqld "$UID_" || die "mysqld of $ALIAS_ did not start (log $LOG_DIR/mysqlctl-$UID_.log)"
    fi
    after_mysqld_start "$UID_"
    done_log "mysqld of $ALIAS_ running" ;;
  kill-vtgate)
    pid="$(pid_alive "$PID_DIR/vtgate.pid")" || die "vtgate is not running"
    cmdline_has "$pid" vtgate || die "pid $pid is not vtgate"
    kill -KILL "$pid"; wait_exit "$pid" 10 || die "vtgate $pid did not die"
    rm -f "$PID_DIR/vtgate.pid"
    done_log "vtgate (pid $pid) killed with SIGKILL" ;;
  stop-vtgate)
    stop_pid "$PID_DIR/vtgate.pid" vtgate 20
    done_log "vtgate stopped" ;;
  start-vtgate|restart-vtgate)
    need_cluster
    [ "$cmd" = restart-vtgate ] && stop_pid "$PID_DIR/vtgate.pid" vtgate 20
    if pid_alive "$PID_DIR/vtgate.pid" >/dev/null; then
      log "vtgate already running"
    else
      start_vtgate || die "vtgate did not start (log $LOG_DIR/vtgate.log)"
    fi
    for s in $(vtctl GetTablets | awk '$4 == "primary" {print $2 "/" $3}' | sort -u); do
      wait_serving "${s%%/*}" "${s#*/}" 60 || die "vtgate has no serving primary for $s within 60s"
    done
    done_log "vtgate serving" ;;
  wait-serving)
    [ $# -ge 2 ] || usage
    wait_serving "$1" "$2" "${3:-60}" || die "no serving primary for $1/$2 in vtgate"
    done_log "$1/$2 has a serving primary" ;;
  workflow)
    need_cluster; [ $# -ge 3 ] || usage
    ks="$1" wf="$2" step="$3"; shift 3
    type="${WORKFLOW_TYPE:-Reshard}"
    case "$step" in
      create) run_vtctl "$type" --workflow "$wf" --target-keyspace "$ks" create "$@" || die "$type create failed" ;;
      show) vtctl Workflow --keyspace "$ks" show --workflow "$wf" ;;
      switch) run_vtctl "$type" --workflow "$wf" --target-keyspace "$ks" switchtraffic "$@" || die "$type switchtraffic failed" ;;
      reverse) run_vtctl "$type" --workflow "$wf" --target-keyspace "$ks" reversetraffic "$@" || die "$type reversetraffic failed" ;;
      complete) run_vtctl "$type" --workflow "$wf" --target-keyspace "$ks" complete "$@" || die "$type complete failed" ;;
      cancel) run_vtctl "$type" --workflow "$wf" --target-keyspace "$ks" cancel "$@" || die "$type cancel failed" ;;
      wait-copy)
        # Copied = every stream Running and no table left in table_copy_state.
        deadline=$((SECONDS + ${1:-300}))
        while :; do
          st="$(vtctl "$type" --workflow "$wf" --target-keyspace "$ks" status --format json 2>&1 || true)"
          states="$(printf '%s\n' "$st" | sed -n 's/^ *"status": *"\([^"]*\)".*/\1/p' | sort -u | paste -sd, -)"
          if [ "$states" = Running ] && printf '%s' "$st" | tr -d ' \n' | grep -q '"table_copy_state":{}'; then
            break
          fi
          case ",$states," in *,Error,*) die "$type $wf failed: $st" ;; esac
          [ $SECONDS -lt $deadline ] || die "$type $wf did not finish copying within ${1:-300}s: $st"
          sleep 1
        done ;;
      *) usage ;;
    esac
    write_state
    done_log "$type $ks.$wf $step done" ;;
  reshard|movetables)
    need_cluster
    if [ "$cmd" = reshard ]; then
      [ $# -ge 4 ] || usage
      ks="$1" wf="$2" src="$3" dst="$4"; shift 4
      export WORKFLOW_TYPE=Reshard
      create_args=(--source-shards "$src" --target-shards "$dst")
    else
      [ $# -ge 4 ] || usage
      from="$1" ks="$2" wf="$3" tables="$4"; shift 4
      export WORKFLOW_TYPE=MoveTables
      create_args=(--source-keyspace "$from" --tables "$tables")
    fi
    stop_at=""
    for a in "$@"; do case "$a" in --no-switch) stop_at=switch ;; --no-complete) stop_at=complete ;; *) usage ;; esac; done
    if [ "$cmd" = reshard ]; then
      IFS=, read -r -a targets <<<"$dst"
      add_jobs=()
      free=($(free_groups))
      for s in "${targets[@]}"; do
        if ! grep -qxF -- "$ks $s" "$TABLET_DIR"/* 2>/dev/null; then
          [ "${#free[@]}" -gt 0 ] || die "no free tablet uid group left for $ks/$s"
          g="${free[0]}"; free=("${free[@]:1}")
          "$SCRIPT_DIR/tablet.sh" add "$ks" "$s" $((g * 100)) $((g * 100 + 1)) >/dev/null &
          add_jobs+=($!)
        fi
      done
      for j in "${add_jobs[@]}"; do wait "$j" || die "could not add the target shards' tablets"; done
      done_log "tablets for the target shards $dst up"
    fi
    "$0" workflow "$ks" "$wf" create "${create_args[@]}"
    "$0" workflow "$ks" "$wf" wait-copy 600
    done_log "$WORKFLOW_TYPE $ks.$wf copied"
    [ "$stop_at" = switch ] && exit 0
    "$0" workflow "$ks" "$wf" switch
    done_log "$WORKFLOW_TYPE $ks.$wf traffic switched"
    [ "$stop_at" = complete ] && exit 0
    # Reshard complete deletes the source shards and their tablet records (Vitess 24), but
    # not the processes: take them from the tablet registry.
    old_uids=()
    if [ "$cmd" = reshard ]; then
      IFS=, read -r -a sources <<<"$src"
      for s in "${sources[@]}"; do
        for f in "$TABLET_DIR"/*; do
          [ "$(cat "$f")" = "$ks $s" ] && old_uids+=("$(basename "$f")")
        done
      done
    fi
    "$0" workflow "$ks" "$wf" complete
    if [ "$cmd" = reshard ]; then
      [ "${#old_uids[@]}" -gt 0 ] && "$SCRIPT_DIR/tablet.sh" remove "${old_uids[@]}"
      for s in "${sources[@]}"; do
        vtctl DeleteShards --recursive --force "$ks/$s" >/dev/null 2>&1 || true
      done
      write_state
    fi
    done_log "$WORKFLOW_TYPE $ks.$wf completed" ;;
  create-keyspace)
    need_cluster; [ $# -ge 2 ] || usage
    ks="$1" shards="$2" dir="${3:-$VITESS_SCRIPT_DIR/schema/customer}"
    [[ "$ks" =~ ^[a-z][a-z0-9_]*$ ]] || die "keyspace name $ks: lower-case letters, digits, _"
    [ -d "$dir" ] || die "no schema directory $dir"
    vtctl GetKeyspace "$ks" >/dev/null 2>&1 && die "keyspace $ks exists already (ops.sh drop-keyspace $ks)"
    run_vtctl CreateKeyspace --durability-policy=none "$ks" >/dev/null || die "CreateKeyspace $ks failed"
    IFS=, read -r -a new_shards <<<"$shards"
    add_jobs=()
    free=($(free_groups))
    for s in "${new_shards[@]}"; do
      [ "${#free[@]}" -gt 0 ] || die "no free tablet uid group left for $ks/$s"
      g="${free[0]}"; free=("${free[@]:1}")
      "$SCRIPT_DIR/tablet.sh" add "$ks" "$s" $((g * 100)) $((g * 100 + 1)) >/dev/null &
      add_jobs+=($!)
    done
    for j in "${add_jobs[@]}"; do wait "$j" || die "could not add the tablets of $ks"; done
    for f in "$dir"/*.sql; do
      [ -f "$f" ] || continue
      run_vtctl ApplySchema --sql-file "$f" "$ks" >/dev/null || die "ApplySchema $f on $ks failed"
    done
    if [ -f "$dir/vschema.json" ]; then
      run_vtctl ApplyVSchema --vschema-file "$dir/vschema.json" "$ks" >/dev/null || die "ApplyVSchema $ks failed"
    fi
    for s in "${new_shards[@]}"; do
      wait_serving "$ks" "$s" 60 || die "vtgate has no serving primary for $ks/$s within 60s"
    done
    write_state
    done_log "keyspace $ks created with shards $shards" ;;
  drop-keyspace)
    need_cluster; [ $# -eq 1 ] || usage
    ks="$1"
    uids=()
    for f in "$TABLET_DIR"/*; do
      [ -f "$f" ] && [ "$(cut -d' ' -f1 "$f")" = "$ks" ] && uids+=("$(basename "$f")")
    done
    # The data goes: SIGKILL the vttablets (a graceful stop takes ~12 s each), then remove.
    for uid in "${uids[@]}"; do
      stop_pid "$PID_DIR/vttablet-$uid.pid" vttablet 0 KILL
    done
    [ "${#uids[@]}" -gt 0 ] && "$SCRIPT_DIR/tablet.sh" remove "${uids[@]}"
    if vtctl GetKeyspace "$ks" >/dev/null 2>&1; then
      run_vtctl DeleteKeyspace --recursive --force "$ks" >/dev/null || die "DeleteKeyspace $ks failed"
      run_vtctl RebuildVSchemaGraph >/dev/null || log "RebuildVSchemaGraph failed (see above)"
    fi
    # vtgate forgets the removed tablets only at its next topology refresh
    # (--tablet-refresh-interval): until then status.sh sees their shards without a serving
    # primary. Wait for it, so that the cluster serves when this returns.
    listed() {
      vtgate_mysql -N -e 'show vitess_tablets' 2>/dev/null | awk -v ks="$ks" '$2 == ks { f = 1 } END { exit !f }'
    }
    for _ in $(seq 1 60); do
      listed || break
      sleep 0.5
    done
    ! listed || log "vtgate still lists tablets of keyspace $ks after 30 s (see status.sh)"
    write_state
    done_log "keyspace $ks dropped (tablets: ${uids[*]:-none})" ;;
  vtctl)
    need_cluster; vtctl "$@" ;;
  *) usage ;;
esac
