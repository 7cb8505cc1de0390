# Sourced by test_suites.sh: one AWS provider process that every `terraform test` of the run attaches
# to, instead of one provider start per run block.
#
# Why: `terraform test` starts the provider (a ~500 MB Go binary: ~0.4 s of CPU to start and serve
# its schema) about twice per run block; with ~270 run blocks that was most of the infrastructure
# lane's CPU on a 2-core machine. Terraform's documented provider-debugging interface lets it attach
# to a provider already running in debug mode (TF_REATTACH_PROVIDERS): the same binary the
# modules' `terraform init` installed, now serving every run's schema and validation calls. Only
# `terraform test` attaches (the tests mock the provider: it is never configured or asked to call
# AWS); init, validate, the parity plans and `make e2e` start their own providers as usual.

SHARED_PROVIDER_PID=""
SHARED_PROVIDER_REATTACH=""

# shared_provider_start DATA_DIR: the AWS provider that `init` installed into DATA_DIR, started in
# debug mode; sets SHARED_PROVIDER_REATTACH. Returns non-zero (and leaves nothing running) if it
# cannot, so the caller falls back to Terraform's own provider starts.
shared_provider_start() {
  local bin out="$LOG_DIR/shared-provider.out"
  bin="$(ls "$1"/providers/registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws* 2>/dev/null | head -n1)"
  [ -n "$bin" ] || return 1
  # Bounded: even if this run is killed before shared_provider_stop, it exits within the hour.
  timeout 3600 "$bin" -debug >"$out" 2>&1 &
  SHARED_PROVIDER_PID=$!
  local _
  for _ in $(seq 1 120); do # up to 60 s for its start-up line
    SHARED_PROVIDER_REATTACH="$(sed -nE "s/.*TF_REATTACH_PROVIDERS='([^']*)'.*/\1/p" "$out" | head -n1)"
    [ -n "$SHARED_PROVIDER_REATTACH" ] && return 0
    kill -0 "$SHARED_PROVIDER_PID" 2>/dev/null || break
    sleep 0.5
  done
  shared_provider_stop
  return 1
}

shared_provider_stop() {
  if [ -n "$SHARED_PROVIDER_PID" ]; then
    kill "$SHARED_PROVIDER_PID" 2>/dev/null
    wait "$SHARED_PROVIDER_PID" 2>/dev/null
  fi
  SHARED_PROVIDER_PID=""
  SHARED_PROVIDER_REATTACH=""
}

# shared_provider_env: the environment assignment for a `terraform test` (none when not running).
shared_provider_env() {
  if [ -n "$SHARED_PROVIDER_REATTACH" ]; then
    printf 'TF_REATTACH_PROVIDERS=%s' "$SHARED_PROVIDER_REATTACH"
  else
    printf 'QUILT_MCP_NO_SHARED_PROVIDER=1'
  fi
}
