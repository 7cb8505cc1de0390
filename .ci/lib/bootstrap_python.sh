#!/usr/bin/env bash
# Project virtualenv in the cache, keyed by tests/requirements.txt and the Python version, linked as
# .tools/venv. A changed requirements file builds a new venv beside the old one (wheels come from
# the shared pip cache), so switching branches back and forth costs nothing.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || die "Python 3.10+ is required (python3 not found)"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
  die "Python 3.10+ is required; found $("$python" --version 2>&1)"

req="$REPO_ROOT/tests/requirements.txt"
key="$( (cat "$req"; "$python" -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)"
venv="$CACHE_ROOT/venvs/$key"
if [ ! -f "$venv/.complete" ]; then
  log "building the Python virtualenv $venv from tests/requirements.txt"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  # pip's own output goes to a log shown only on failure (it is long and repeats machine warnings).
  pip_log="$CACHE_ROOT/venvs/$key.pip.log"
  if ! "$venv/bin/python" -m pip install --disable-pip-version-check -r "$req" >"$pip_log" 2>&1; then
    tail -n 40 "$pip_log" >&2
    die "pip install -r tests/requirements.txt failed (full log: $pip_log)"
  fi
  touch "$venv/.complete"
fi
link_if_changed "$venv" "$TOOLS_DIR/venv"
