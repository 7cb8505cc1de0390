#!/usr/bin/env bash
# Usage: terraform_registry_tree.sh <out-dir>. Writes the tree the Terraform Registry publishes
# as the module quiltdata/quilt-mcp/aws (docs/publishing.md): the public modules as submodules
# under modules/ (the internal modules/kms-key too, without a README, so the Registry marks it
# internal), the examples under examples/ (their ../../modules sources resolve unchanged), and a
# root module that only declares its requirements (the Registry needs one; consumers use the
# submodules). Module tests stay in this repository: they need its mocks and harness.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

out="${1:?usage: terraform_registry_tree.sh <out-dir>}"
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "terraform_registry_tree: $out is not empty" >&2
  exit 1
fi
mkdir -p "$out/modules" "$out/examples"

copy_module() {
  local from="$1" to="$2"
  mkdir -p "$to"
  cp "$from"/*.tf "$to"/
  if [ -f "$from/README.md" ]; then cp "$from/README.md" "$to/"; fi
}

for dir in modules/*/; do
  dir="${dir%/}"
  # The CDK construct and the CloudFormation template are published with the GitHub release.
  compgen -G "$dir/*.tf" >/dev/null || continue
  copy_module "$dir" "$out/$dir"
done
for dir in examples/*/; do
  dir="${dir%/}"
  compgen -G "$dir/*.tf" >/dev/null || continue
  copy_module "$dir" "$out/$dir"
done

cp LICENSE CHANGELOG.md "$out/"
cp modules/mcp-server/versions.tf "$out/versions.tf"
cat >"$out/main.tf" <<'HCL'
# The quilt-mcp modules are the submodules under modules/ (README.md): this root module creates
# nothing. It exists because the Terraform Registry publishes a repository's root module.
HCL
: >"$out/variables.tf"
: >"$out/outputs.tf"
{
  echo "# quilt-mcp Terraform modules"
  echo
  echo "The quilt-mcp MCP server on AWS (ECS Fargate behind an ALB with WAF), published from"
  echo "the quilt-mcp repository on every release. Use the submodules:"
  echo
  for dir in "$out"/modules/*/; do
    name="$(basename "$dir")"
    [ -f "$dir/README.md" ] || continue
    echo "- \`quiltdata/quilt-mcp/aws//modules/$name\` (modules/$name/README.md)"
  done
  echo
  echo "Full compositions: examples/complete and examples/existing-alb."
} >"$out/README.md"
echo "terraform_registry_tree: wrote $out" >&2
