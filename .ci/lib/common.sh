# Shared paths for the bootstrap and test scripts. Sourced, never executed.
# Caches live outside the clone (in the user's cache directory) so a fresh clone on a machine that
# has bootstrapped before is ready in seconds; the clone only holds symlinks under .tools/.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DENO_VERSION="$(sed -n 's/^DENO_VERSION *:= *//p' "$REPO_ROOT/Makefile")"
CACHE_ROOT="${QUILT_MCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/quilt-mcp}"
TOOLS_DIR="$REPO_ROOT/.tools"
export DENO_DIR="${DENO_DIR:-$CACHE_ROOT/deno-dir}"
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$CACHE_ROOT/pip}"
export TF_PLUGIN_CACHE_DIR="${TF_PLUGIN_CACHE_DIR:-$CACHE_ROOT/terraform-plugins}"
export NPM_CONFIG_UPDATE_NOTIFIER=false

log() { printf "[%s] %s\n" "${LOG_TAG:-bootstrap}" "$*" >&2; }
die() { printf "[%s] ERROR: %s\n" "${LOG_TAG:-bootstrap}" "$*" >&2; exit 1; }

# sha256 of the given files, short form: the cache key of what they describe.
content_key() { cat "$@" | sha256sum | cut -c1-16; }

# Point a symlink at a target only when it differs (keeps no-op runs free of writes).
link_if_changed() {
  local target="$1" link="$2"
  if [ "$(readlink "$link" 2>/dev/null || true)" != "$target" ]; then
    mkdir -p "$(dirname "$link")"
    ln -sfn "$target" "$link"
  fi
}
