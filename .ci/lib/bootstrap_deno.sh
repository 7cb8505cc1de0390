#!/usr/bin/env bash
# Deno, pinned: use a `deno` on PATH when it is exactly DENO_VERSION, else install the npm package
# `deno` into the cache and link its platform binary (not the Node launcher, so start-up time and
# signals are Deno's own) as .tools/bin/deno. Then make sure the npm dependencies in deno.lock are
# in DENO_DIR (skipped when the lockfile's hash was already installed).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

platform_package() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo "@deno/linux-x64-glibc" ;;
    Linux-aarch64 | Linux-arm64) echo "@deno/linux-arm64-glibc" ;;
    Darwin-x86_64) echo "@deno/darwin-x64" ;;
    Darwin-arm64) echo "@deno/darwin-arm64" ;;
    *) die "no Deno build for $(uname -s)-$(uname -m)" ;;
  esac
}

deno_bin=""
if command -v deno >/dev/null 2>&1 && [ "$(deno --version 2>/dev/null | head -n1 | awk '{print $2}')" = "$DENO_VERSION" ]; then
  # The binary itself, not a link to it: when the deno on PATH is this repository's own
  # .tools/bin/deno, linking to that path would make the link point at itself.
  deno_bin="$(readlink -f "$(command -v deno)")"
else
  pkg="$(platform_package)"
  prefix="$CACHE_ROOT/deno/$DENO_VERSION"
  deno_bin="$prefix/node_modules/$pkg/deno"
  if [ ! -x "$deno_bin" ]; then
    command -v npm >/dev/null 2>&1 || die "npm is required to install Deno $DENO_VERSION (install Node.js 20+ with npm)"
    log "installing Deno $DENO_VERSION from the npm package 'deno' into $prefix"
    mkdir -p "$prefix"
    # --ignore-scripts: the package's postinstall only wires the Node launcher, which we bypass.
    npm install --silent --no-fund --no-audit --ignore-scripts --prefix "$prefix" \
      "deno@$DENO_VERSION" "$pkg@$DENO_VERSION" >&2
    [ -x "$deno_bin" ] || die "the npm package $pkg@$DENO_VERSION did not provide $deno_bin"
  fi
fi
link_if_changed "$deno_bin" "$TOOLS_DIR/bin/deno"

# npm dependencies through Deno, keyed by the lockfile and deno.json.
[ -f "$REPO_ROOT/deno.lock" ] || die "deno.lock is missing: run 'make lock' and commit it"
key="$(content_key "$REPO_ROOT/deno.json" "$REPO_ROOT/deno.lock")"
stamp="$DENO_DIR/.quilt-mcp-installed-$key"
if [ ! -f "$stamp" ]; then
  log "caching npm dependencies of deno.lock into $DENO_DIR"
  (cd "$REPO_ROOT" && "$TOOLS_DIR/bin/deno" install --frozen --quiet) || die "deno install --frozen failed: is deno.lock up to date? (run 'make lock')"
  touch "$stamp"
fi
# The server's whole module graph must be in the cache: tests run it with --cached-only, exactly as
# the compiled binary has everything embedded. A no-op when already cached (tens of milliseconds).
(cd "$REPO_ROOT" && "$TOOLS_DIR/bin/deno" install ${DENO_FROZEN:-} --quiet -e server/main.ts) ||
  die "caching the server's dependencies failed"
