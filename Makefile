# pgctl — the two commands a newcomer runs are `make demo` and `make test`.
# Built artefacts live outside the work tree so that fresh clones reuse them.

SHELL := /bin/bash
PGCTL_CACHE_DIR ?= $(HOME)/.cache/pgctl
CARGO_TARGET_DIR ?= $(PGCTL_CACHE_DIR)/target
export PGCTL_CACHE_DIR CARGO_TARGET_DIR
CARGO ?= cargo

.PHONY: test lint fmt-check clippy module-cycles unit test-e2e build install crd completions docs demo demo-down help

help:
	@echo "make demo       the main job: a local Kubernetes control plane with pgctl's CRD and a demo cluster"
	@echo "make demo-down  stop what make demo started"
	@echo "make test       everything CI runs: fmt, clippy, unit tests, end-to-end tests"

## test: everything CI runs, in order of cost.
test: lint unit test-e2e

lint: fmt-check clippy module-cycles

## module-cycles: no two modules of a crate import each other, directly or through others.
module-cycles:
	scripts/module-cycles shared/src controller/src cli/src

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

## unit: pure tests, plus the SQL tests against a real PostgreSQL the tests start themselves,
## and the Go tests of the test cluster's own programs.
unit:
	@if [ -x tests/postgres/ensure ]; then tests/postgres/ensure; fi
	$(CARGO) test --locked
	tests/cluster/test-go

## test-e2e: end-to-end tests against the local control plane (tests/cluster), or against
## the cluster named by PGCTL_E2E_KUBECONFIG.
test-e2e:
	$(CARGO) build --locked -p pgctl -p pgctl-controller
	tests/cluster/e2e

build:
	$(CARGO) build --locked --release -p pgctl -p pgctl-controller

## install: pgctl, the kubectl plugin kubectl-pg (the same binary) with its completion script
## kubectl_complete-pg, and the shell completions, under PREFIX (default /usr/local).
PREFIX ?= /usr/local
install:
	$(CARGO) build --locked --release -p pgctl
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(CARGO_TARGET_DIR)/release/pgctl $(DESTDIR)$(PREFIX)/bin/pgctl
	ln -sf pgctl $(DESTDIR)$(PREFIX)/bin/kubectl-pg
	install -m 0755 completions/kubectl_complete-pg $(DESTDIR)$(PREFIX)/bin/kubectl_complete-pg
	install -m 0644 completions/pgctl.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/pgctl
	install -m 0644 completions/_pgctl $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_pgctl
	install -m 0644 completions/pgctl.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/pgctl.fish

## crd: regenerate the committed CRD from the Rust types.
crd:
	$(CARGO) run --locked -q -p pgctl -- crd > manifests/crd/postgresql.yaml

## completions, docs: regenerate the committed completion scripts and the CLI reference.
completions:
	$(CARGO) build --locked -q -p pgctl
	for s in bash:pgctl.bash zsh:_pgctl fish:pgctl.fish powershell:_pgctl.ps1 elvish:pgctl.elv; do \
	  $(CARGO_TARGET_DIR)/debug/pgctl completions $${s%%:*} > completions/$${s#*:}; done

docs:
	$(CARGO) build --locked -q -p pgctl
	scripts/splice-reference docs/cli.md "$(CARGO_TARGET_DIR)/debug/pgctl reference-markdown"

demo:
	scripts/demo

demo-down:
	scripts/demo-down
