#!/usr/bin/env bash
# Installs everything the multi-process Vitess cluster needs. Idempotent; a second run takes
# seconds.
#  - everything scripts/vitess/install.sh installs (mariadb-server/-client, mysqlctl built from
#    the pinned Vitess module, our MariaDB init_db.sql) - it is run first;
#  - Debian package etcd-server (the topology server; apt-get update only when needed);
#  - vtctld, vttablet, vtgate, vtctldclient built from the SAME module version with the same Go
#    caches, into the same bin dir ($VSTREAM_CACHE/vitess-<version>/bin), marked by
#    $VSTREAM_CACHE/vitess-<version>/.built-cluster (scripts/vitess/install.sh's own check of
#    vtcombo/mysqlctl/vttestserver + .built is untouched; if it rebuilds, it replaces bin/ and
#    the next run of this script builds the cluster binaries again).
# Env: VSTREAM_CACHE, VSTREAM_VITESS_VERSION, VSTREAM_REBUILD=1 (force a rebuild of both).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

T0=$SECONDS

# The base install (takes and releases the cache lock itself).
"$VITESS_SCRIPT_DIR/install.sh"

# MariaDB fixes. Stock Vitess v0.24.4 vttablet cannot run a replica or a reparent on MariaDB
# 10.11, and no flag turns the failing code off (README.md, "MariaDB"), so the cluster binaries
# are built from a patched copy of the module ($VSTREAM_CACHE/src/vitess-<version>-mariadb;
# `go build -overlay` refuses files under GOMODCACHE). With -trimpath the Go build cache does
# not key on the directory, so only the patched packages and the binaries using them compile
# again. Each patch replaces one exact line (the build stops if it is not found exactly once):
#  1+2. SetReplicationSource / replica start-up: the errant-GTID check parses the primary's
#     server_uuid as a MySQL 5.6 SID; MariaDB has none (the MariaDB flavor returns ""):
#       TabletManager.SetReplicationSource on zone1-0000000101: invalid MySQL 5.6 SID ""
#     The check (replication.ErrantGTIDsOnReplica) returns "none" for MariaDB GTID sets anyway;
#     the patch skips the parse when server_uuid is empty.
#  3. DemotePrimary (every PlannedReparentShard) asks whether semi-sync is blocked with
#     regexp_like(), which MariaDB does not have:
#       TabletManager.DemotePrimary on zone1-0000000100: FUNCTION regexp_like does not exist
#       (errno 1305) ... where regexp_like(variable_name, 'Rpl_semi_sync_(source|master)_wait_sessions')
#     The patch asks for the same two variable names with IN (...) (same result on MySQL).
#  4. IsSuperReadOnly (SetWritable/SetReadWrite, FullStatus, vtorc) selects
#     @@global.super_read_only, unknown to MariaDB ("Unknown system variable"); the patch
#     answers "not super-read-only" then, as the callers of SetSuperReadOnly already do.
# Prints the directory to build in.
MARIADB_PATCH_ID=mariadb-4
MARIADB_PATCHES=(
  'go/vt/vttablet/tabletmanager/rpc_replication.go'
  'primarySid, err := replication.ParseSID(primaryStatus.ServerUuid)'
  'var primarySid replication.SID; if primaryStatus.ServerUuid != "" { primarySid, err = replication.ParseSID(primaryStatus.ServerUuid) }'
  'go/vt/vttablet/tabletmanager/tm_init.go'
  'primarySid, err := replication.ParseSID(primaryStatus.ServerUuid)'
  'var primarySid replication.SID; if primaryStatus.ServerUuid != "" { primarySid, err = replication.ParseSID(primaryStatus.ServerUuid) }'
  'go/vt/mysqlctl/replication.go'
  "regexp_like(variable_name, 'Rpl_semi_sync_(source|master)_wait_sessions')"
  "variable_name in ('Rpl_semi_sync_source_wait_sessions', 'Rpl_semi_sync_master_wait_sessions')"
  'go/vt/mysqlctl/replication.go'
  'qr, err := mysqld.FetchSuperQuery(ctx, "SELECT @@global.super_read_only")'
  'qr, err := mysqld.FetchSuperQuery(ctx, "SELECT @@global.super_read_only"); if err != nil && strings.Contains(err.Error(), "Unknown system variable") { return false, nil }'
)
mariadb_patched_src() {
  local src="$1" dst="$VSTREAM_CACHE/src/vitess-$VITESS_VERSION-mariadb" f old new tmp i
  if [ "$(cat "$dst/.patched" 2>/dev/null)" = "$MARIADB_PATCH_ID" ]; then echo "$dst"; return; fi
  log "patching a copy of the module for MariaDB: $dst"
  rm -rf "$dst"; mkdir -p "$(dirname "$dst")"
  cp -r "$src" "$dst"; chmod -R u+w "$dst"
  for ((i = 0; i < ${#MARIADB_PATCHES[@]}; i += 3)); do
    f="${MARIADB_PATCHES[i]}" old="${MARIADB_PATCHES[i + 1]}" new="${MARIADB_PATCHES[i + 2]}"
    [ "$(grep -cF -- "$old" "$dst/$f")" = 1 ] || die "MariaDB patch: '$old' not found once in $dst/$f (Vitess version changed?)"
    tmp="$dst/$f.tmp"
    # index/substr: no regex, the strings are replaced literally (no backslashes in them).
    awk -v o="$old" -v r="$new" '{ i = index($0, o); if (i) $0 = substr($0, 1, i - 1) r substr($0, i + length(o)); print }' \
      "$dst/$f" >"$tmp"
    mv -f "$tmp" "$dst/$f"
    grep -qF -- "$new" "$dst/$f" || die "MariaDB patch of $f did not apply"
  done
  echo "$MARIADB_PATCH_ID" >"$dst/.patched"
  echo "$dst"
}

build_cluster_bins() {
  local b ok=1 marker="$VTROOT_CACHE/.built-cluster"
  for b in "${CLUSTER_BINS[@]}" mysqlctl; do [ -x "$VTROOT_CACHE/bin/$b" ] || ok=0; done
  if [ "$ok" = 1 ] && [ "$(cat "$marker" 2>/dev/null)" = "$VITESS_VERSION ${CLUSTER_BINS[*]} $MARIADB_PATCH_ID" ] \
      && [ "${VSTREAM_REBUILD:-0}" != 1 ]; then
    log "Vitess $VITESS_VERSION cluster binaries cached in $VTROOT_CACHE/bin"
    return
  fi
  local GO t0=$SECONDS json src
  GO="$(command -v go || true)"
  for g in /usr/local/go/bin/go "$HOME/go/bin/go" /usr/lib/go/bin/go; do
    [ -n "$GO" ] && break
    [ -x "$g" ] && GO="$g"
  done
  [ -n "$GO" ] || die "Go is not installed"
  log "building Vitess $VITESS_VERSION (${CLUSTER_BINS[*]}) with $("$GO" version)"
  json="$("$GO" mod download -json "$VITESS_MODULE@$VITESS_VERSION")" \
    || die "go mod download $VITESS_MODULE@$VITESS_VERSION failed: $json"
  src="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -1)"
  # scripts/vitess/install.sh may have patched a copy for old versions (Go 1.26); start from it.
  [ -f "$VSTREAM_CACHE/src/vitess-$VITESS_VERSION/.patched" ] && src="$VSTREAM_CACHE/src/vitess-$VITESS_VERSION"
  [ -n "$src" ] && [ -d "$src" ] || die "cannot find the downloaded module directory in: $json"
  local out="$VTROOT_CACHE/bin-cluster.new" pkgs=()
  for b in "${CLUSTER_BINS[@]}"; do pkgs+=("./go/cmd/$b"); done
  src="$(mariadb_patched_src "$src")"
  rm -rf "$out"; mkdir -p "$out"
  (cd "$src" && GOFLAGS=-mod=mod "$GO" build -trimpath -o "$out/" "${pkgs[@]}") \
    || die "go build of Vitess $VITESS_VERSION cluster binaries failed"
  for b in "${CLUSTER_BINS[@]}"; do mv -f "$out/$b" "$VTROOT_CACHE/bin/$b"; done
  rm -rf "$out"
  echo "$VITESS_VERSION ${CLUSTER_BINS[*]} $MARIADB_PATCH_ID" >"$marker"
  log "built Vitess $VITESS_VERSION cluster binaries in $((SECONDS - t0))s"
}

exec 9>"$VSTREAM_CACHE/.install.lock"
flock 9 2>/dev/null || true
# Debian's etcd-server enables an etcd service on the default ports; on a machine with systemd
# it runs beside ours (harmless: we use our own ports and data dir).
install_os_packages etcd-server mariadb-client util-linux
build_cluster_bins
[ -x /usr/bin/etcd ] || die "/usr/bin/etcd not found after installing etcd-server"
log "cluster install done in $((SECONDS - T0))s ($(/usr/bin/etcd --version 2>/dev/null | head -1))"
