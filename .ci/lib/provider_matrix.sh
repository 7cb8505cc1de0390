#!/usr/bin/env bash
# One cell of the provider-version matrix (.github/workflows/ci.yml, job provider-matrix): every
# module and example through terraform init, validate and test with the AWS provider pinned to
# the given version, which must lie in the range the modules claim (">= 5.70, < 7.0"). Works in a
# scratch copy (modules, examples and the shared mocks), so neither the checkout nor a committed
# lock file (modules/kms-key) is touched. Ends with "N passed, N failed"; exits non-zero on any
# failure. Usage: provider_matrix.sh VERSION_CONSTRAINT   (for example 5.70.0, 5.100.0, "~> 6.0")
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
set +e
constraint="${1:?usage: provider_matrix.sh VERSION_CONSTRAINT}"
cd "$REPO_ROOT"

DENO="$TOOLS_DIR/bin/deno"
# Terraform under the locks of tests/terraform/terraform_cli.ts, as in test_suites.sh.
tf() { "$DENO" run ${DENO_FROZEN:-} -A "$REPO_ROOT/tests/terraform/terraform_cli.ts" "$@"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tests/terraform"
cp -R modules examples "$work/"
cp -R tests/terraform/mocks "$work/tests/terraform/"
# A user's state, data directory or lock file must not pin another provider version in the copy.
find "$work" \( -name .terraform -o -name .terraform.lock.hcl -o -name '*.tfstate*' \) -prune \
  -exec rm -rf {} +

passed=0
failed=0
count() { if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi; }
for d in modules/*/ examples/*/; do
  d="${d%/}"
  ls "$d"/*.tf >/dev/null 2>&1 || continue
  echo "-- $d (hashicorp/aws $constraint)"
  # An override file replaces the root module's aws entry; child modules keep their own range.
  cat >"$work/$d/provider_version_override.tf" <<HCL
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "$constraint"
    }
  }
}
HCL
  export TF_DATA_DIR="$work/tf-data/${d//\//-}"
  if ! tf -chdir="$work/$d" init -backend=false -input=false -no-color >"$work/init.log" 2>&1; then
    cat "$work/init.log"; failed=$((failed + 1)); continue
  fi
  sed -n 's/^ *version *= *"\(.*\)"/   installed hashicorp\/aws \1/p' "$work/$d/.terraform.lock.hcl"
  count tf -chdir="$work/$d" validate -no-color
  if ls "$d"/tests/*.tftest.hcl >/dev/null 2>&1; then count tf -chdir="$work/$d" test -no-color; fi
done
unset TF_DATA_DIR
printf '\n%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
