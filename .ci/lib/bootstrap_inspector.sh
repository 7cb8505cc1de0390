#!/usr/bin/env bash
# The MCP Inspector CLI (npm @modelcontextprotocol/inspector), exactly as tests/inspector/
# package-lock.json pins it, for the strict tool-schema check in `make test`. Installed once per
# lockfile into the cache (npm ci into a temporary directory, then renamed into place, so two
# bootstraps at once never share a half-written tree) and linked as .tools/inspector.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

src="$REPO_ROOT/tests/inspector"
key="$(content_key "$src/package.json" "$src/package-lock.json")"
dest="$CACHE_ROOT/inspector/$key"
if [ ! -f "$dest/.complete" ]; then
  command -v npm >/dev/null 2>&1 || die "npm is required to install the MCP Inspector CLI (install Node.js 20+ with npm)"
  log "installing the MCP Inspector CLI from tests/inspector/package-lock.json into $dest"
  mkdir -p "$CACHE_ROOT/inspector"
  tmp="$(mktemp -d "$CACHE_ROOT/inspector/.install-XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  cp "$src/package.json" "$src/package-lock.json" "$tmp/"
  # --ignore-scripts: the check runs the CLI's JavaScript only; no install script is needed.
  # Its engines field asks for Node 22; it runs on Node 20 (with a warning), so engines are not enforced.
  npm_log="$tmp/npm.log"
  if ! (cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --engine-strict=false >"$npm_log" 2>&1); then
    tail -n 30 "$npm_log" >&2
    die "npm ci of tests/inspector failed"
  fi
  touch "$tmp/.complete"
  # Another bootstrap may have finished first: keep its tree, drop ours.
  mv -T "$tmp" "$dest" 2>/dev/null || [ -f "$dest/.complete" ] || die "could not move the Inspector install into $dest"
fi
link_if_changed "$dest" "$TOOLS_DIR/inspector"
