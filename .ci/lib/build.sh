#!/usr/bin/env bash
# `make build`: compiles dist/quilt-mcp with `deno compile` and the permission flags of
# server/permissions.txt (passed as arguments by the Makefile, the one place they are defined).
# deno compile needs the Deno runtime binary (denort) of the target; it downloads it unless
# DENORT_BIN points at one. Where it can be neither downloaded nor found, say so and stop.
# TARGET (optional) cross-compiles, e.g. TARGET=aarch64-apple-darwin (release workflow).
LOG_TAG=build
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
DENO="$TOOLS_DIR/bin/deno"
out="${OUT:-dist/quilt-mcp}"
target_args=()
[ -n "${TARGET:-}" ] && target_args=(--target "$TARGET")
if [ -n "${DENORT_BIN:-}" ] && [ ! -x "$DENORT_BIN" ]; then
  die "DENORT_BIN=$DENORT_BIN is not an executable file"
fi
mkdir -p "$(dirname "$out")"
log="$(mktemp)"; trap 'rm -f "$log"' EXIT
if ! "$DENO" compile ${DENO_FROZEN:-} "$@" "${target_args[@]}" --output "$out" server/main.ts >"$log" 2>&1; then
  cat "$log" >&2
  if grep -qiE "denort|download|dl\.deno\.land|error sending request|dns|connect" "$log"; then
    die "deno compile could not obtain the Deno runtime (denort ${DENO_VERSION}) for this target and DENORT_BIN is not set.
  On a machine without access to dl.deno.land, download denort-<target>.zip for Deno ${DENO_VERSION} elsewhere,
  unzip it, and run:  make build DENORT_BIN=/path/to/denort"
  fi
  die "deno compile failed"
fi
echo "built $out ($(du -h "$out" | cut -f1)) with: $*"
