#!/usr/bin/env bash
# Proves `deno check` sees the MCP SDK's real types (SECURITY.md: under SDK 1.x deep imports became
# `any` in Deno and every tool argument type-checked). The fixture pair differs only in the type a
# tool callback gives its argument: the right one must pass, the wrong one must fail with TS2322.
# The wrong fixture is excluded from the project's own `deno check` (deno.json), so it is checked
# from a temporary copy under the project's config.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
DENO="$TOOLS_DIR/bin/deno"
dir=tests/fixtures/sdk_type_guard
"$DENO" check ${DENO_FROZEN:-} "$dir/right_tool_args.ts" || { echo "the correctly typed fixture failed to type-check"; exit 1; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cp "$dir/wrong_tool_args.ts" "$tmp/"
if out="$("$DENO" check ${DENO_FROZEN:-} --config deno.json "$tmp/wrong_tool_args.ts" 2>&1)"; then
  echo "a tool callback with a wrong argument type type-checked: the SDK types are 'any'"; exit 1
fi
grep -q "TS2322" <<<"$out" || { echo "unexpected failure (not the type error we planted):"; echo "$out"; exit 1; }
echo "wrong argument type rejected by deno check (TS2322); correct one accepted"
