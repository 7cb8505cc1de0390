#!/usr/bin/env bash
# `make test`: every check CI runs, each under a titled section (the apply-against-emulator suite
# runs apart, as `make e2e`: argument --e2e). Each section's passes and failures
# are counted (a test runner's own counts where it reports them, else one check), and the run ends
# with the plain line "N passed, N failed". Exits non-zero on any failure.
# Sections for parts that do not exist yet (no modules, no template) are skipped, not counted.
#
# Two lanes run side by side, because on a 2-core machine neither saturates it alone (the deno
# tests wait on moto, quilt3 and server subprocesses; the infrastructure checks are one
# single-threaded terraform or checkov process at a time): the Deno lane (format, lint, types,
# tests) in the foreground, the infrastructure lane (terraform, checkov, cfn-lint, then the parity
# tests, which plan Terraform and synthesize the CDK app) in the background with its output held
# back and printed whole after the Deno lane, so logs never interleave. Terraform runs only through
# tests/terraform/terraform_cli.ts, whose locks keep concurrent runs safe; `terraform test` attaches
# to one shared provider process (shared_provider.sh says why).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/shared_provider.sh"
# A failing command inside a section is counted, never allowed to abort the run before the summary.
set +e
cd "$REPO_ROOT"

DENO="$TOOLS_DIR/bin/deno"
VENV="$TOOLS_DIR/venv"
FROZEN="${DENO_FROZEN:-}"
LOG_DIR="$(mktemp -d)"
trap 'rm -rf "$LOG_DIR"' EXIT
# Each lane appends "PASSED FAILED" lines to its own tally file; the summary adds them up.
TALLY="$LOG_DIR/tally-main"
RUN_START=$SECONDS
SECTION_START=$SECONDS

title() {
  printf '\n==== %s ====\n' "$*"
  SECTION_START=$SECONDS
}
tally() { # tally PASSED FAILED LABEL
  echo "$1 $2" >>"$TALLY"
  printf -- '---- %s: %d passed, %d failed (%ds)\n' "$3" "$1" "$2" $((SECONDS - SECTION_START))
}

# Run a command as one check.
check() { # check LABEL CMD...
  local label="$1"; shift
  if "$@"; then tally 1 0 "$label"; else tally 0 1 "$label"; fi
}

# Run `deno test` and take its own counts from its summary line ("ok | 12 passed (3 steps) | 0 failed").
deno_tests() { # deno_tests LABEL ARGS...
  local label="$1"; shift
  local out="$LOG_DIR/deno-test-$RANDOM.log" rc=0
  "$DENO" test $FROZEN -A --parallel "$@" 2>&1 | tee "$out" || rc=$?
  local summary passed failed
  summary="$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$out" | tail -n1 || true)"
  passed="$(sed -nE 's/^[A-Z a-z]+\| ([0-9]+) passed.*/\1/p' <<<"$summary")"
  failed="$(sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' <<<"$summary")"
  if [ -z "$summary" ]; then passed=0; failed=1; fi
  if [ "$rc" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then failed=1; fi
  tally "${passed:-0}" "${failed:-0}" "$label"
}

# Terraform under the locks of tests/terraform/terraform_cli.ts (never two processes in one plugin
# cache or data directory at once).
tf() { "$DENO" run $FROZEN --cached-only -A "$REPO_ROOT/tests/terraform/terraform_cli.ts" "$@"; }

# Directories holding Terraform configuration: every module and every example.
tf_dirs() { for d in modules/*/ examples/*/; do ls "$d"*.tf >/dev/null 2>&1 && echo "${d%/}"; done; true; }

summary() { # the plain last line, from every lane's tallies; exits non-zero on any failure
  local passed failed
  read -r passed failed < <(cat "$LOG_DIR"/tally-* | awk '{p += $1; f += $2} END {print p + 0, f + 0}')
  printf '\n%d passed, %d failed\n' "$passed" "$failed"
  [ "$failed" -eq 0 ]
}

# `make e2e` (argument --e2e): only the apply-against-emulator suite (tests/apply), kept out of
# `make test` because it applies and destroys both examples (several minutes on 2 cores).
if [ "${1:-}" = "--e2e" ]; then
  title "apply against the AWS emulator (examples applied, read back, re-planned, destroyed)"
  deno_tests "apply suite" tests/apply/
  summary
  exit
fi

infra_lane() {
  TALLY="$LOG_DIR/tally-infra"
  trap shared_provider_stop EXIT
  if [ -n "$(tf_dirs)" ]; then
    title "terraform fmt -check"
    check "terraform fmt" terraform fmt -check -recursive modules examples

    title "terraform init + validate + test (every module and example)"
    for d in $(tf_dirs); do
      echo "-- $d"
      # This run's own data directory: a user's `.terraform` (make plan) or another make test in
      # the same checkout is never shared. tf() holds the plugin-cache lock (terraform_cli.ts).
      export TF_DATA_DIR="$LOG_DIR/tf-data/${d//\//-}"
      if tf -chdir="$d" init -backend=false -input=false -no-color >"$LOG_DIR/init.log" 2>&1; then
        check "validate $d" tf -chdir="$d" validate -no-color
        if [ -z "$SHARED_PROVIDER_REATTACH" ] && ! shared_provider_start "$TF_DATA_DIR"; then
          echo "note: no shared AWS provider (.ci/lib/shared_provider.sh); each run starts its own"
        fi
        if ls "$d"/tests/*.tftest.hcl >/dev/null 2>&1; then
          out="$LOG_DIR/tftest.log"; rc=0
          if [ -n "$SHARED_PROVIDER_REATTACH" ]; then
            TF_REATTACH_PROVIDERS="$SHARED_PROVIDER_REATTACH" tf -chdir="$d" test -no-color 2>&1 |
              tee "$out" || rc=$?
          else
            tf -chdir="$d" test -no-color 2>&1 | tee "$out" || rc=$?
          fi
          line="$(grep -E '^(Success|Failure)! [0-9]+ passed, [0-9]+ failed' "$out" | tail -n1 || true)"
          p="$(sed -nE 's/^[A-Za-z]+! ([0-9]+) passed.*/\1/p' <<<"$line")"
          f="$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$line")"
          if [ -z "$line" ]; then p=0; f=1; fi
          if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; fi
          tally "${p:-0}" "${f:-0}" "terraform test $d"
        fi
      else
        cat "$LOG_DIR/init.log"; tally 0 1 "terraform init $d"
      fi
      unset TF_DATA_DIR
    done
    shared_provider_stop

    title "checkov (every module and example; skips listed with their reasons)"
    check "checkov skip list (every skip has a reason)" bash .ci/lib/checkov_skips.sh
    for d in $(tf_dirs); do
      out="$LOG_DIR/checkov.log"; rc=0
      "$VENV/bin/checkov" -d "$d" --config-file .checkov.yaml --quiet --compact --framework terraform \
        >"$out" 2>&1 || rc=$?
      p="$(grep -oE 'Passed checks: [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')"
      f="$(grep -oE 'Failed checks: [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')"
      if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
      [ "$f" -eq 0 ] || cat "$out"
      tally "$p" "$f" "checkov $d"
    done
  fi

  if ls modules/cloudformation/*.yaml >/dev/null 2>&1; then
    title "cfn-lint (CloudFormation template)"
    check "cfn-lint" "$VENV/bin/cfn-lint" modules/cloudformation/*.yaml
  fi

  if ls tests/parity/*_test.ts >/dev/null 2>&1; then
    title "parity tests (Terraform / CDK / CloudFormation)"
    deno_tests "parity tests" tests/parity/
  fi
  echo "$LANE_DONE" >"$LOG_DIR/infra.done"
}
LANE_DONE="infrastructure lane complete"

# The infrastructure lane, in the background; its output is printed after the Deno lane.
infra_lane >"$LOG_DIR/infra.out" 2>&1 &
infra_pid=$!

title "deno fmt --check"
check "deno fmt" "$DENO" fmt --check

title "deno lint"
check "deno lint" "$DENO" lint

title "deno check (server, tests, tools)"
check "deno check" "$DENO" check $FROZEN server/ tests/

title "MCP SDK types are real: a wrong tool-argument type must not type-check"
check "sdk type guard" bash .ci/lib/sdk_type_guard.sh

title "deno test (server, quilt format, tools, harness)"
deno_tests "deno test" --ignore=tests/policies,tests/parity,tests/fixtures,tests/apply tests/

if ls tests/policies/*_test.ts >/dev/null 2>&1; then
  title "policy tests (IAM per tool category)"
  deno_tests "policy tests" tests/policies/
fi

wait "$infra_pid"
cat "$LOG_DIR/infra.out"
# A lane that died midway (killed, out of memory) must not pass by reporting fewer checks.
if [ "$(cat "$LOG_DIR/infra.done" 2>/dev/null)" != "$LANE_DONE" ]; then
  title "infrastructure lane"
  tally 0 1 "infrastructure lane ended before its last check"
fi

printf '\nmake test: %ds in all\n' $((SECONDS - RUN_START))
summary
