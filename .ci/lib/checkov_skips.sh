#!/usr/bin/env bash
# Prints every checkov skip of the Terraform modules and examples with its reason: the global ones
# of .checkov.yaml (skip-check entries, reason as a trailing comment) and the inline
# `#checkov:skip=<ID>:<reason>` comments, with the resource each one sits in. Exits 1 if a skip
# has no reason or a malformed ID, so an unexplained skip cannot pass `make test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

config=".checkov.yaml"
status=0
count=0
id_re='^CKV2?_[A-Z0-9]+_[0-9]+$'

echo "checkov skips (each with its reason):"

# Global skips: the items of the skip-check list in .checkov.yaml.
if [ -f "$config" ]; then
  while IFS=$'\t' read -r id reason; do
    count=$((count + 1))
    if ! [[ "$id" =~ $id_re ]] || [ -z "$reason" ]; then
      echo "  ERROR $config: skip-check entry '$id' needs a check ID and a '# reason' comment" >&2
      status=1
      continue
    fi
    printf '  %-12s everywhere (%s): %s\n' "$id" "$config" "$reason"
  done < <(awk '
    /^skip-check:/ { inlist = 1; next }
    inlist && /^[^[:space:]-]/ { inlist = 0 }
    inlist && /^[[:space:]]*-/ {
      line = $0
      reason = ""
      if (index(line, "#") > 0) { reason = substr(line, index(line, "#") + 1); line = substr(line, 1, index(line, "#") - 1) }
      sub(/^[[:space:]]*-[[:space:]]*/, "", line); gsub(/[[:space:]"'"'"']/, "", line)
      sub(/^[[:space:]]+/, "", reason); sub(/[[:space:]]+$/, "", reason)
      printf "%s\t%s\n", line, reason
    }
  ' "$config")
  if grep -Eq '^skip-check:[[:space:]]*\[[^]]*[A-Z]' "$config"; then
    echo "  ERROR $config: write skip-check as a block list, one '- ID  # reason' per line" >&2
    status=1
  fi
fi

# Inline skips, with the resource (or module/data block) they belong to.
while IFS= read -r file; do
  while IFS=$'\t' read -r line block id reason; do
    count=$((count + 1))
    if ! [[ "$id" =~ $id_re ]] || [ -z "$reason" ]; then
      echo "  ERROR $file:$line: '#checkov:skip=$id' needs a valid check ID and ':<reason>'" >&2
      status=1
      continue
    fi
    printf '  %-12s %s:%s %s: %s\n' "$id" "$file" "$line" "$block" "$reason"
  done < <(awk '
    /^(resource|data|module)[[:space:]]/ {
      block = $2 "." $3; gsub(/"/, "", block); if ($1 == "module") block = "module." $2; gsub(/"/, "", block)
    }
    /#[[:space:]]*checkov:skip=/ {
      spec = $0; sub(/.*checkov:skip=/, "", spec)
      id = spec; reason = ""
      if (index(spec, ":") > 0) { id = substr(spec, 1, index(spec, ":") - 1); reason = substr(spec, index(spec, ":") + 1) }
      sub(/[[:space:]]+$/, "", reason)
      printf "%d\t%s\t%s\t%s\n", FNR, block, id, reason
    }
  ' "$file")
done < <(find modules examples -name '*.tf' -not -path '*/.terraform/*' 2>/dev/null | sort)

echo "  ($count skip(s))"
exit "$status"
