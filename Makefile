# quilt-mcp: entry points. `make help` lists them; `make test` runs everything CI runs.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

DENO_VERSION := 2.9.6

CACHE_ROOT := $(or $(QUILT_MCP_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/quilt-mcp)
TOOLS := $(CURDIR)/.tools
DENO := $(TOOLS)/bin/deno
VENV := $(TOOLS)/venv
export DENO_DIR ?= $(CACHE_ROOT)/deno-dir
export PIP_CACHE_DIR ?= $(CACHE_ROOT)/pip
export TF_PLUGIN_CACHE_DIR ?= $(CACHE_ROOT)/terraform-plugins
export TF_CLI_CONFIG_FILE := $(TOOLS)/terraformrc
export TF_IN_AUTOMATION := 1
export QUILT_MCP_VENV := $(VENV)
export QUILT_MCP_DENO := $(DENO)
export NO_COLOR := 1
# Checkpoint/telemetry calls would try the network; keep every tool offline.
export CHECKPOINT_DISABLE := 1
export BC_SKIP_MAPPING := TRUE
# CI must not touch the lockfile: any drift between deno.json and deno.lock is an error there.
DENO_FROZEN := $(if $(CI),--frozen,)
export DENO_FROZEN
# The permission flags of the compiled binary, defined once; the tests run the server with the same.
PERMISSIONS := $(shell grep -v '^\s*\#' server/permissions.txt | tr '\n' ' ')

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

.PHONY: bootstrap
bootstrap: ## Install the pinned toolchain (Deno, Python venv, Terraform CLI config, MCP Inspector CLI); idempotent
	@bash .ci/lib/bootstrap_deno.sh
	@bash .ci/lib/bootstrap_python.sh
	@bash .ci/lib/bootstrap_terraform.sh
	@bash .ci/lib/bootstrap_inspector.sh

.PHONY: test
test: bootstrap ## Run every check CI runs but `make e2e`; ends with "N passed, N failed"
	@bash .ci/lib/test_suites.sh

.PHONY: e2e
e2e: bootstrap ## Apply both examples to a local AWS emulator, read them back, re-plan, destroy (~5 min; CI runs it too)
	@bash .ci/lib/test_suites.sh --e2e

.PHONY: bench
bench: bootstrap ## Benchmarks vs same-run baselines, long resilience and fuzz runs; writes bench/RESULTS.md (~40 min; BENCH_SOAK_SECONDS shortens the soak)
	@$(DENO) run --cached-only $(DENO_FROZEN) -A bench/run.ts

.PHONY: demo
demo: bootstrap ## Run the product end to end on a local AWS emulator and a local token issuer
	@$(DENO) run $(DENO_FROZEN) -A tests/demo/demo.ts

.PHONY: run
run: bootstrap ## Serve MCP over stdio for a desktop client, with your own AWS credentials
	@$(DENO) run $(DENO_FROZEN) $(PERMISSIONS) server/main.ts serve --transport stdio $(ARGS)

.PHONY: build
build: bootstrap ## Compile the single binary dist/quilt-mcp (set DENORT_BIN where the runtime cannot be downloaded)
	@bash .ci/lib/build.sh $(PERMISSIONS)

.PHONY: lint
lint: bootstrap ## deno lint, terraform fmt check, and tflint where it is installed
	@$(DENO) lint
	@terraform fmt -check -recursive modules examples
	@if command -v tflint >/dev/null 2>&1; then \
	  for d in modules/*/ examples/*/; do [ -n "$$(ls $$d*.tf 2>/dev/null)" ] || continue; \
	    echo "tflint $$d"; tflint --chdir="$$d" --config="$(CURDIR)/.tflint.hcl"; done; \
	else echo "tflint is not installed: skipped (CI on GitHub runs it; see .github/workflows/ci.yml)"; fi

.PHONY: fmt
fmt: bootstrap ## Format TypeScript, Markdown, JSON and Terraform in place
	@$(DENO) fmt
	@terraform fmt -recursive modules examples

.PHONY: docs
docs: bootstrap ## Regenerate the generated documents (configuration, tool reference, auth test matrix, Python mapping, capacity model, Terraform READMEs)
	@$(DENO) run $(DENO_FROZEN) server/config/describe.ts --markdown > docs/configuration.md
	@$(DENO) run $(DENO_FROZEN) tests/docs/render_auth_matrix.ts > docs/auth-test-matrix.md
	@$(DENO) run $(DENO_FROZEN) --allow-env --allow-read tests/docs/render_python_mapping.ts --tools > docs/tools.md
	@$(DENO) run $(DENO_FROZEN) --allow-env --allow-read --allow-write=docs/migration-from-python.md tests/docs/render_python_mapping.ts
	@$(DENO) run $(DENO_FROZEN) --allow-read --allow-write=docs/deployment.md bench/capacity.ts --write docs/deployment.md
	@$(DENO) fmt docs/configuration.md docs/auth-test-matrix.md docs/tools.md docs/migration-from-python.md docs/deployment.md
	@$(DENO) run $(DENO_FROZEN) -A tests/terraform/gen_readme.ts

# --- deployment (docs/deployment.md) ---------------------------------------------------------
IMAGE ?= quilt-mcp:$(shell sed -n 's/.*VERSION = "\(.*\)".*/\1/p' server/version.ts)
TF_EXAMPLE_DIR = examples/$(EXAMPLE)
TF_PLAN_FILE = quilt-mcp.tfplan
# terraform under the plugin-cache and data-directory locks (tests/terraform/terraform_cli.ts):
# a plan never races `make test` or another plan for the shared plugin cache or .terraform.
TF = $(DENO) run $(DENO_FROZEN) --cached-only -A tests/terraform/terraform_cli.ts

.PHONY: image
image: ## Build the container image (IMAGE=quilt-mcp:<version>); needs a running Docker engine
	@command -v docker >/dev/null 2>&1 || { echo "make image: docker is not installed here; install Docker (or build on CI: .github/workflows/release.yml)" >&2; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "make image: the Docker engine is not reachable (is the daemon running, may you use its socket?)" >&2; exit 1; }
	docker build --build-arg DENO_VERSION=$(DENO_VERSION) -t $(IMAGE) .

.PHONY: plan
plan: ## terraform plan of examples/EXAMPLE with your credentials (VARS=your.tfvars); saves the plan for apply
	@[ -n "$(EXAMPLE)" ] || { echo "usage: make plan EXAMPLE=<$$(ls examples | tr '\n' '|' | sed 's/|$$//')> [VARS=path/to/your.tfvars]" >&2; exit 2; }
	@ls $(TF_EXAMPLE_DIR)/*.tf >/dev/null 2>&1 || { echo "make plan: $(TF_EXAMPLE_DIR) has no Terraform configuration" >&2; exit 2; }
	@bash .ci/lib/bootstrap_deno.sh
	@bash .ci/lib/bootstrap_terraform.sh
	$(TF) -chdir=$(TF_EXAMPLE_DIR) init -input=false
	$(TF) -chdir=$(TF_EXAMPLE_DIR) plan -input=false $(if $(VARS),-var-file=$(abspath $(VARS))) -out=$(TF_PLAN_FILE)

.PHONY: apply
apply: ## terraform apply of the plan `make plan EXAMPLE=…` saved (exactly what you reviewed)
	@[ -n "$(EXAMPLE)" ] || { echo "usage: make apply EXAMPLE=<name> (after make plan EXAMPLE=<name>)" >&2; exit 2; }
	@[ -f $(TF_EXAMPLE_DIR)/$(TF_PLAN_FILE) ] || { echo "make apply: no saved plan in $(TF_EXAMPLE_DIR); run make plan EXAMPLE=$(EXAMPLE) first" >&2; exit 2; }
	$(TF) -chdir=$(TF_EXAMPLE_DIR) apply -input=false $(TF_PLAN_FILE)
	@rm -f $(TF_EXAMPLE_DIR)/$(TF_PLAN_FILE)

.PHONY: smoke
smoke: ## Check a deployed endpoint: URL=https://…/mcp, bearer token in the TOKEN environment variable
	@[ -n "$(URL)" ] || { echo "usage: TOKEN=<bearer token> make smoke URL=https://mcp.example.com/mcp [SMOKE_ARGS='--health-base http://10.0.1.23:8080']" >&2; exit 2; }
	@bash .ci/lib/bootstrap_deno.sh
	@$(DENO) run $(DENO_FROZEN) --allow-net --allow-env --allow-read tests/smoke/smoke.ts --url "$(URL)" $(SMOKE_ARGS)

.PHONY: lock
lock: ## Refresh deno.lock after changing deno.json imports
	@bash .ci/lib/bootstrap_deno.sh || true
	@$(DENO) install

.PHONY: requirements
requirements: ## Re-pin tests/requirements.txt from tests/requirements.in
	@bash .ci/lib/pin_requirements.sh

.PHONY: clean
clean: ## Remove build output and the project-local tool links (the user cache stays)
	rm -rf dist .tools
