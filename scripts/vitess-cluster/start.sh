#!/usr/bin/env bash
# Starts (if not already running) a multi-process Vitess cluster on 127.0.0.1, beside the
# vttestserver cluster of scripts/vitess/:
#   etcd (topology) -> vtctld -> one MariaDB per tablet (mysqlctl) -> vttablets -> vtgate
#   keyspace customer: shards -80 and 80- (hash vindex on customer_id; tables customer, corder),
#                      a PRIMARY and a REPLICA tablet per shard, each with its own mysqld
#   keyspace commerce: unsharded, shard 0, PRIMARY + REPLICA (VSTREAM_CLUSTER_COMMERCE=0: none)
# Schema/vschema: scripts/vitess/schema/<keyspace>/{*.sql,vschema.json}.
#
# Writes $VSTREAM_CLUSTER_RUN/cluster.env (VTGATE_HOST, VTGATE_GRPC_PORT, VTGATE_MYSQL_PORT,
# VTCTLD_GRPC_PORT, TABLET_<uid>, PRIMARY_<keyspace>_<shard>, ...), pid files (pids/), logs
# (logs/) and data (data/) to $VSTREAM_CLUSTER_RUN (default /tmp/vstream-vitess-cluster).
# If data/ exists (left by `stop.sh --keep-data`), the topology, MySQL data and binlogs are
# reused: saved VStream positions stay valid, tablets added with tablet.sh come back too.
#
# Env: VSTREAM_CLUSTER_BASE_PORT (default 18000; port map in common.sh and README.md),
#      VSTREAM_CLUSTER_RUN, VSTREAM_CLUSTER_START_TIMEOUT (default 180 s),
#      VSTREAM_CLUSTER_COMMERCE (1), VSTREAM_CLUSTER_VTGATE_EXTRA_ARGS,
#      VSTREAM_CLUSTER_VTTABLET_EXTRA_ARGS, VSTREAM_VITESS_USER (default vitess), plus install.sh's.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

T0=$SECONDS
TIMEOUT="${VSTREAM_CLUSTER_START_TIMEOUT:-180}"

print_state() {
  log "vtgate gRPC:  $VTGATE_HOST:$VTGATE_GRPC_PORT   (VStream)"
  log "vtgate MySQL: $VTGATE_HOST:$VTGATE_MYSQL_PORT   (mysql -h$VTGATE_HOST -P$VTGATE_MYSQL_PORT)"
  log "vtctld gRPC:  $VTGATE_HOST:$VTCTLD_GRPC_PORT   (vtctldclient --server 127.0.0.1:$VTCTLD_GRPC_PORT)"
  log "state file:   $STATE_FILE"
  cat "$STATE_FILE"
}

fail() {
  log "ERROR: $*"
  local f
  for f in "$LOG_DIR"/*.log; do
    [ -f "$f" ] || continue
    if grep -qiE 'error|fatal|panic' "$f"; then
      log "---- last error lines of $f"
      grep -iE 'error|fatal|panic' "$f" | tail -n 5 | cut -c1-400 >&2 || true
    fi
  done
  log "stopping what was started"
  # Background starters (mysqlctl, vttablet waits, reparents) first, so nothing starts late.
  local j
  for j in $(jobs -p); do kill "$j" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${FRESH:-0}" = 1 ]; then
    "$SCRIPT_DIR/stop.sh" >&2 || true   # half-initialized data is of no use
  else
    "$SCRIPT_DIR/stop.sh" --keep-data >&2 || true
  fi
  exit 1
}

"$SCRIPT_DIR/install.sh"
# The start-up timeout counts from here: a cold install (building Vitess) takes minutes of its own.
DEADLINE=$((SECONDS + TIMEOUT))

mkdir -p "$RUN_DIR"
exec 8>"$RUN_DIR/.start.lock"
flock 8 2>/dev/null || true

# ------------------------------------------------------------ already running?
if pid="$(pid_alive "$PID_DIR/vtgate.pid")"; then
  if [ -f "$STATE_FILE" ] && port_open "$VTGATE_GRPC_PORT" && port_open "$VTGATE_MYSQL_PORT"; then
    log "already running (vtgate pid $pid)"
    print_state
    exit 0
  fi
fi
if compgen -G "$PID_DIR/*.pid" >/dev/null; then
  log "pid files of an earlier run in $PID_DIR; stopping leftovers (keeping data)"
  "$SCRIPT_DIR/stop.sh" --keep-data >&2 || true
fi
for p in "$VTCTLD_HTTP_PORT" "$VTCTLD_GRPC_PORT" "$VTGATE_HTTP_PORT" "$VTGATE_GRPC_PORT" \
    "$VTGATE_MYSQL_PORT" "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT"; do
  port_open "$p" && die "port $p is already in use by another process; set VSTREAM_CLUSTER_BASE_PORT to use other ports"
done

# ------------------------------------------------------------ run dir layout
FRESH=1
[ -d "$DATA_DIR/etcd/member" ] && FRESH=0
rm -f "$STATE_FILE"
mkdir -p "$DATA_DIR/backups" "$LOG_DIR" "$PID_DIR" "$TABLET_DIR" "$RUN_DIR/home" "$RUN_DIR/config"
if [ "$FRESH" = 1 ]; then
  rm -rf "$DATA_DIR"/vt_* "$TABLET_DIR"/*
  for t in "${DEFAULT_TABLETS[@]}"; do
    read -r uid ks shard <<<"$t"
    echo "$ks $shard" >"$TABLET_DIR/$uid"
  done
fi
install -m 0644 "$SCRIPT_DIR/config/mariadb-cluster.cnf" "$RUN_DIR/config/mariadb-cluster.cnf"
install -m 0644 "$VITESS_SCRIPT_DIR/config/init_db_mariadb.sql" "$RUN_DIR/config/init_db.sql"

if [ "$(id -u)" -eq 0 ]; then
  # mysqlctl and vttablet exit when run as root: run the cluster as an unprivileged user.
  if ! id -u "$VITESS_RUN_USER" >/dev/null 2>&1; then
    log "creating system user $VITESS_RUN_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$VITESS_RUN_USER"
  fi
  # That user cannot read $HOME/.cache under /root: give it hard links (or copies).
  rm -rf "$VTROOT"
  cp -al "$VTROOT_CACHE" "$VTROOT" 2>/dev/null || { rm -rf "$VTROOT"; cp -a "$VTROOT_CACHE" "$VTROOT"; }
  chmod 0755 "$RUN_DIR"
  chmod -R a+rX "$VTROOT" "$RUN_DIR/config"
  chown "$VITESS_RUN_USER:" "$DATA_DIR" "$DATA_DIR/backups" "$RUN_DIR/home"
fi

mapfile -t UIDS < <(ls "$TABLET_DIR" | sort -n)
[ "${#UIDS[@]}" -gt 0 ] || fail "no tablets registered in $TABLET_DIR"
# Shards as "keyspace/shard", unique, in tablet order; the lowest uid of a shard is its
# initial primary.
declare -A FIRST_UID=()
SHARDS=()
for uid in "${UIDS[@]}"; do
  read -r ks shard <"$TABLET_DIR/$uid"
  if [ -z "${FIRST_UID[$ks/$shard]:-}" ]; then FIRST_UID[$ks/$shard]=$uid; SHARDS+=("$ks/$shard"); fi
done
for uid in "${UIDS[@]}"; do
  for p in "$(tablet_http_port "$uid")" "$(tablet_grpc_port "$uid")" "$(tablet_mysql_port "$uid")"; do
    port_open "$p" && die "port $p (tablet $uid) is already in use by another process"
  done
done

if [ "$FRESH" = 1 ]; then log "starting a fresh cluster in $RUN_DIR"; else log "restarting on the data in $DATA_DIR"; fi

# ------------------------------------------------------------ mysqlds (in the background)
declare -A MYSQLCTL_JOB=()
for uid in "${UIDS[@]}"; do
  start_mysqld "$uid" &
  MYSQLCTL_JOB[$uid]=$!
done

# ------------------------------------------------------------ etcd, vtctld, topology
start_etcd || fail "etcd did not start (log $LOG_DIR/etcd.log)"
log "etcd up on 127.0.0.1:$ETCD_CLIENT_PORT ($((SECONDS - T0))s)"
start_vtctld || fail "vtctld did not start (log $LOG_DIR/vtctld.log)"
log "vtctld up on 127.0.0.1:$VTCTLD_GRPC_PORT ($((SECONDS - T0))s)"
if [ "$FRESH" = 1 ]; then
  vtctl AddCellInfo --root "/vitess/$CELL" --server-address "127.0.0.1:$ETCD_CLIENT_PORT" "$CELL" >/dev/null \
    || fail "AddCellInfo $CELL failed"
  for ks in $(printf '%s\n' "${SHARDS[@]}" | cut -d/ -f1 | sort -u); do
    # Durability "none": no semi-sync (MariaDB's built-in semi-sync is not what Vitess's
    # semi_sync policy manages); reparents still work, see README.
    out="$(vtctl CreateKeyspace --durability-policy=none "$ks")" || fail "CreateKeyspace $ks failed: $out"
  done
fi

for uid in "${UIDS[@]}"; do
  wait "${MYSQLCTL_JOB[$uid]}" || fail "mysqld of tablet $uid did not start (log $LOG_DIR/mysqlctl-$uid.log, $(tablet_data_dir "$uid")/error.log)"
done
log "mysqlds up: ${UIDS[*]} ($((SECONDS - T0))s)"

# ------------------------------------------------------------ vttablets
# On a restart the primaries (per the shard records) start first: a replica's vttablet points
# its mysqld at the primary only at start-up, and only if the primary's tablet record already
# names its mysqld again (a stopped vttablet clears it): "primary tablet in the shard record
# does not have mysql hostname specified" otherwise, and the replica does not replicate.
start_tablets() {
  local uid jobs=()
  for uid in "$@"; do
    start_vttablet "$uid" &
    jobs+=($!)
  done
  for i in "${!jobs[@]}"; do
    wait "${jobs[$i]}" || fail "vttablet ${*:i+1:1} did not start (log $LOG_DIR/vttablet-${*:i+1:1}.log)"
  done
}
FIRST=() REST=()
if [ "$FRESH" = 1 ]; then
  REST=("${UIDS[@]}")
else
  PRIMARY_UIDS=" "
  for s in "${SHARDS[@]}"; do
    p="$(shard_record_primary "$s")"
    [ -n "$p" ] && PRIMARY_UIDS+="$p "
  done
  for uid in "${UIDS[@]}"; do
    if [[ "$PRIMARY_UIDS" == *" $uid "* ]]; then FIRST+=("$uid"); else REST+=("$uid"); fi
  done
fi
if [ "${#FIRST[@]}" -gt 0 ]; then
  start_tablets "${FIRST[@]}"
  # Wait until each primary's tablet record has its mysqld port again.
  for uid in "${FIRST[@]}"; do
    until vtctl GetTablet "$(tablet_alias "$uid")" | tr -d ' \n' | grep -q '"mysql_port":[1-9]'; do
      [ $SECONDS -lt $DEADLINE ] || fail "primary tablet $uid did not publish its mysqld"
      sleep 0.2
    done
  done
  # Their mysqlds started read-only (mariadb10.cnf); they are still the primaries.
  for uid in "${FIRST[@]}"; do
    make_writable "$uid" || fail "could not make primary $uid writable"
  done
  log "primary vttablets up: ${FIRST[*]} ($((SECONDS - T0))s)"
fi
[ "${#REST[@]}" -gt 0 ] && start_tablets "${REST[@]}"
log "vttablets up: ${UIDS[*]} ($((SECONDS - T0))s)"

# Wait until every tablet is in the topology.
while :; do
  n="$(vtctl GetTablets | grep -c . || true)"
  [ "$n" -ge "${#UIDS[@]}" ] && break
  [ $SECONDS -lt $DEADLINE ] || fail "only $n of ${#UIDS[@]} tablets registered in the topology"
  sleep 0.5
done

# ------------------------------------------------------------ primaries
# Fresh: elect the first tablet of each shard with PlannedReparentShard (initializes the
# shard). Restart: the shard record still names the primary; its vttablet takes the role
# back by itself.
if [ "$FRESH" = 1 ]; then
  declare -A PRS_JOB=()
  for s in "${SHARDS[@]}"; do
    ( out="$(vtctl PlannedReparentShard --new-primary "$(tablet_alias "${FIRST_UID[$s]}")" "$s")" \
        || { log "PlannedReparentShard $s: $out"; exit 1; } ) &
    PRS_JOB[$s]=$!
  done
  for s in "${SHARDS[@]}"; do
    wait "${PRS_JOB[$s]}" || fail "PlannedReparentShard $s failed"
  done
  log "primaries elected ($((SECONDS - T0))s)"

  # -------------------------------------------------------- schema and vschema
  for ks in $(printf '%s\n' "${SHARDS[@]}" | cut -d/ -f1 | sort -u); do
    dir="$VITESS_SCRIPT_DIR/schema/$ks"
    [ -d "$dir" ] || continue
    for f in "$dir"/*.sql; do
      [ -f "$f" ] || continue
      out="$(vtctl ApplySchema --sql-file "$f" "$ks")" || fail "ApplySchema $f on $ks failed: $out"
    done
    if [ -f "$dir/vschema.json" ]; then
      out="$(vtctl ApplyVSchema --vschema-file "$dir/vschema.json" "$ks")" || fail "ApplyVSchema $ks failed: $out"
    fi
  done
  log "schema applied ($((SECONDS - T0))s)"
fi

# Every shard has a primary in the topology.
for s in "${SHARDS[@]}"; do
  while [ -z "$(shard_primary "${s%%/*}" "${s#*/}")" ]; do
    [ $SECONDS -lt $DEADLINE ] || fail "shard $s has no primary"
    sleep 0.5
  done
done

# ------------------------------------------------------------ vtgate
start_vtgate || fail "vtgate did not start (log $LOG_DIR/vtgate.log)"
log "vtgate up ($((SECONDS - T0))s)"

# Ready = vtgate sees a serving PRIMARY in every shard, and reads (and on fresh data an
# insert/select/delete on both customer shards) work through it. ids 1 and 4 hash to -80 and 80-.
serving_primaries() {
  local tablets s
  tablets="$(vtgate_mysql -N -B -e 'show vitess_tablets' 2>/dev/null)" || return 1
  for s in "${SHARDS[@]}"; do
    awk -v k="${s%%/*}" -v sh="${s#*/}" '$2 == k && $3 == sh && $4 == "PRIMARY" && $5 == "SERVING" {f=1} END {exit !f}' \
      <<<"$tablets" || return 1
  done
}
check_read() {
  vtgate_mysql -N -B -e 'select count(*) from customer.customer; select count(*) from customer.corder' >/dev/null 2>&1
}
check_write() {
  local out
  out="$(vtgate_mysql -N -B -e "
    insert into customer.customer(customer_id, email) values (1, 'start-check-1'), (4, 'start-check-4');
    use \`customer:-80\`; select customer_id from customer where email like 'start-check-%';
    use \`customer:80-\`; select customer_id from customer where email like 'start-check-%';
    use customer; delete from customer where customer_id in (1, 4);" 2>&1)" || { LAST_ERR="$out"; return 1; }
  [ "$(printf '%s' "$out" | tr '\n' ' ')" = "1 4" ] || { LAST_ERR="unexpected check output: $out"; return 1; }
}
LAST_ERR=""
ready=0
while [ $SECONDS -lt $DEADLINE ]; do
  pid_alive "$PID_DIR/vtgate.pid" >/dev/null || fail "vtgate exited during startup"
  if serving_primaries && check_read && { [ "$FRESH" = 0 ] || check_write; }; then
    ready=1
    break
  fi
  sleep 0.5
done
[ "$ready" = 1 ] || fail "vtgate did not serve a PRIMARY in every shard (${SHARDS[*]}) with working reads/writes within ${TIMEOUT}s ${LAST_ERR}"

write_state
log "Vitess $VITESS_VERSION multi-process cluster ready in $((SECONDS - T0))s"
print_state
