#!/usr/bin/env bash
# Installs everything the local Vitess test cluster needs. Idempotent; a second run takes
# seconds.
#  - Debian packages: mariadb-server, mariadb-client (apt-get update only when needed).
#  - vtcombo, mysqlctl, vttestserver built from the Go module vitess.io/vitess at the pinned
#    version (common.sh), cached in $VSTREAM_CACHE/vitess-<version>/bin.
#  - $VTROOT/config/init_db.sql and config/mycnf/test-suite.cnf: our MariaDB-compatible
#    replacements (scripts/vitess/config/), which vttestserver reads from there.
# Env: VSTREAM_CACHE, VSTREAM_VITESS_VERSION, VSTREAM_REBUILD=1 (force a rebuild).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

T0=$SECONDS

# ---------------------------------------------------------------- Go binaries
go_bin() {
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  for g in /usr/local/go/bin/go "$HOME/go/bin/go" /usr/lib/go/bin/go; do
    [ -x "$g" ] && { echo "$g"; return; }
  done
  die "Go is not installed (need Go >= 1.21; the build uses the toolchain named in the module's go.mod via GOTOOLCHAIN)"
}

build_vitess() {
  local bins=(vtcombo mysqlctl vttestserver) b ok=1
  for b in "${bins[@]}"; do [ -x "$VTROOT_CACHE/bin/$b" ] || ok=0; done
  if [ "$ok" = 1 ] && [ -f "$VTROOT_CACHE/.built" ] && [ "${VSTREAM_REBUILD:-0}" != 1 ]; then
    log "Vitess $VITESS_VERSION binaries cached in $VTROOT_CACHE/bin"
    return
  fi
  local GO; GO="$(go_bin)"
  log "building Vitess $VITESS_VERSION (${bins[*]}) with $("$GO" version) - a cold build takes several minutes"
  local t0=$SECONDS json src
  json="$("$GO" mod download -json "$VITESS_MODULE@$VITESS_VERSION")" \
    || die "go mod download $VITESS_MODULE@$VITESS_VERSION failed: $json"
  src="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -1)"
  [ -n "$src" ] && [ -d "$src" ] || die "cannot find the downloaded module directory in: $json"
  log "module source: $src ($((SECONDS - t0))s)"

  # Vitess <= 22.0.x refuses to compile with Go >= 1.26 (go/hack/ensure_swiss_map.go lacks
  # `&& !go1.26`). For such versions build from a patched, writable copy in the cache dir.
  local guard="$src/go/hack/ensure_swiss_map.go"
  if [ -f "$guard" ] && ! grep -q '!go1.26' "$guard"; then
    local patched="$VSTREAM_CACHE/src/vitess-$VITESS_VERSION"
    if [ ! -f "$patched/.patched" ]; then
      log "patching a copy of the module for Go 1.26: $patched"
      rm -rf "$patched"; mkdir -p "$(dirname "$patched")"
      cp -r "$src" "$patched"; chmod -R u+w "$patched"
      sed -i '1s|^//go:build !goexperiment.swissmap$|//go:build !goexperiment.swissmap \&\& !go1.26|' \
        "$patched/go/hack/ensure_swiss_map.go"
      touch "$patched/.patched"
    fi
    src="$patched"
  fi

  # Build inside the module (not `go install pkg@version`, which refuses modules whose go.mod
  # has exclude/replace directives). GOMODCACHE/GOCACHE keep their defaults so rebuilds are fast.
  local out="$VTROOT_CACHE/bin.new"
  rm -rf "$out"; mkdir -p "$out"
  (cd "$src" && GOFLAGS=-mod=mod "$GO" build -trimpath -o "$out/" \
      ./go/cmd/vtcombo ./go/cmd/mysqlctl ./go/cmd/vttestserver) \
    || die "go build of Vitess $VITESS_VERSION failed"
  rm -rf "$VTROOT_CACHE/bin"; mv "$out" "$VTROOT_CACHE/bin"
  echo "$VITESS_VERSION" >"$VTROOT_CACHE/.built"
  log "built Vitess $VITESS_VERSION in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- config files
install_config() {
  mkdir -p "$VTROOT_CACHE/config/mycnf"
  # vttestserver reads $VTROOT/config/init_db.sql and $VTROOT/config/mycnf/test-suite.cnf.
  install -m 0644 "$SCRIPT_DIR/config/init_db_mariadb.sql" "$VTROOT_CACHE/config/init_db.sql"
  install -m 0644 "$SCRIPT_DIR/config/mariadb-extra.cnf" "$VTROOT_CACHE/config/mycnf/test-suite.cnf"
}

mkdir -p "$VTROOT_CACHE"
# Serialize concurrent installs (parallel test runs) on the cache.
exec 9>"$VSTREAM_CACHE/.install.lock"
flock 9 2>/dev/null || true
install_os_packages mariadb-server mariadb-client util-linux ca-certificates
build_vitess
install_config
[ -x /usr/sbin/mysqld ] || [ -x /usr/sbin/mariadbd ] || die "mysqld not found in /usr/sbin after installing mariadb-server"
log "install done in $((SECONDS - T0))s: VTROOT=$VTROOT_CACHE ($(/usr/sbin/mysqld --version 2>/dev/null | sed 's/^.*Ver //'))"
