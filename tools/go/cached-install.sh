# tools/go/cached-install.sh - sourced by the tool build scripts (tools/kustomize/build.sh,
# tools/helm/build.sh): builds one Go command from the Go module proxy into the cache, with the Go
# module and build caches under $CACHE_DIR/go/ (never the user's GOPATH), and reuses it while its
# version stamp matches. GOPROXY/GOFLAGS from the environment are honoured as by `go` itself.
#
#   cached_go_install <name> <package@version> <stamp> <ldflags> [<note for the first build>]
#
# Expects CACHE_DIR, and log/die functions; sets BIN_PATH to the binary's path.

cached_go_install() {
  local name=$1 package=$2 stamp=$3 ldflags=$4 note=${5:-}
  local version=${package##*@}
  local go=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
  [ -x "$go" ] || die "no go binary (set GO=...)"
  local out=$CACHE_DIR/$name-$version
  local bin=$out/bin
  mkdir -p "$bin" "$out/work" "$CACHE_DIR/go"
  BIN_PATH=$bin/$name
  if [ -x "$BIN_PATH" ] && [ "$(cat "$bin/.$name-version" 2>/dev/null)" = "$stamp" ]; then
    log "$name $version cached"
    return 0
  fi
  local t0; t0=$(date +%s)
  log "building $name $version${note:+ ($note)}"
  # `go install pkg@version` builds with the module's own go.mod; a temp dir keeps it off any repo's go.mod.
  ( cd "$out/work" \
      && export GOTOOLCHAIN=local CGO_ENABLED=0 GOPATH=$CACHE_DIR/go/path GOMODCACHE=$CACHE_DIR/go/mod GOCACHE=$CACHE_DIR/go/build \
      && unset GOWORK \
      && GOBIN=$bin/.tmp "$go" install -trimpath -ldflags="$ldflags" "$package" >&2 )
  mv "$bin/.tmp/$name" "$BIN_PATH"
  rmdir "$bin/.tmp"
  echo "$stamp" > "$bin/.$name-version"
  log "$name built in $(( $(date +%s) - t0 ))s: $BIN_PATH"
}
