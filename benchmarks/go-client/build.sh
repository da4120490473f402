#!/usr/bin/env bash
# Builds the Go VStream consumer of the real-client benchmark (main.go next to this file) from
# the same vitess.io/vitess module the local cluster is built from (scripts/vitess/common.sh),
# the way scripts/vitess/install.sh builds Vitess (GOFLAGS=-mod=mod, module and build caches
# shared). (`go build -overlay` cannot add a package inside the module cache, so main.go is
# built as a module of its own whose only requirement is that module directory.)
# The binary is cached next to the Vitess binaries, keyed by the source's hash; prints its path.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/vitess/common.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
hash="$(sha256sum "$here/main.go" | cut -c1-12)"
bin="$VTROOT_CACHE/bench/vstreambench-$hash"
if [ -x "$bin" ] && [ "${VSTREAM_REBUILD:-0}" != 1 ]; then
  echo "$bin"
  exit 0
fi
GO="$(command -v go || echo /usr/local/go/bin/go)"
[ -x "$GO" ] || die "Go is not installed (needed to build the Go client of the real-client benchmark)"
json="$("$GO" mod download -json "$VITESS_MODULE@$VITESS_VERSION")" || die "go mod download failed: $json"
src="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -1)"
[ -d "$src" ] || die "cannot find the module directory in: $json"
# install.sh builds Go >= 1.26 from a patched copy for old Vitess versions: use it if there is one.
[ -f "$VSTREAM_CACHE/src/vitess-$VITESS_VERSION/.patched" ] && src="$VSTREAM_CACHE/src/vitess-$VITESS_VERSION"
# A module of its own that requires only vitess.io/vitess, replaced by that directory: the
# build list is Vitess's own (its go.mod and go.sum, its one exclude directive copied), and
# the build runs from the module cache as install.sh's does (GOFLAGS=-mod=mod).
work="$VTROOT_CACHE/bench/src"
rm -rf "$work"; mkdir -p "$work"
cp "$here/main.go" "$work/main.go"
{
  echo "module vstreambench"
  echo
  sed -n 's/^go [0-9.]*$/&/p' "$src/go.mod"
  echo
  echo "require vitess.io/vitess $VITESS_VERSION"
  echo
  echo "replace vitess.io/vitess => $src"
  echo
  grep '^exclude ' "$src/go.mod" || true
} >"$work/go.mod"
cp "$src/go.sum" "$work/go.sum"
log "building the Go client (vstreambench) against $src"
(cd "$work" && GOFLAGS=-mod=mod "$GO" build -trimpath -o "$bin.new" .) \
  || die "go build of the Go client failed"
mv "$bin.new" "$bin"
echo "$bin"
