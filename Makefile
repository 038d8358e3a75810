# vmware-pilot: one sans-IO Rust core, shipped as a Rust crate, a Python wheel and an npm
# package. `make demo` runs the main job; `make test` installs what it needs and runs every
# test suite in the repo.

SHELL := /bin/bash
CARGO ?= cargo
PYTHON ?= python3
UPSTREAM_VENV ?= .venv-upstream

.PHONY: demo test test-rust test-wasm-build test-core-is-pure test-upstream-diff bench setup-rust fmt lint

demo:
	$(CARGO) run -q -p vmware-pilot-core --example demo

test: setup-rust test-core-is-pure test-rust test-wasm-build test-upstream-diff
	@echo "make test: all suites passed"

setup-rust:
	rustup target add wasm32-unknown-unknown >/dev/null

# Unit, scenario, storage-contract and property tests of the core (release: the property
# tests run thousands of cases).
test-rust:
	$(CARGO) test --workspace --release

# The core must build for the browser/Node target with no I/O of its own.
test-wasm-build:
	$(CARGO) build -q -p vmware-pilot-core --target wasm32-unknown-unknown --release

# No clock, filesystem, network, threads or OS randomness in the core's own code.
test-core-is-pure:
	@! grep -rnE 'std::(fs|net|thread|env|process)|SystemTime|Instant::now|getrandom' core/src \
	  || { echo "core/src must not do I/O (see docs/architecture.md)"; exit 1; }

# The scenario corpus replayed through upstream vmware-pilot 2.4.0 itself (from PyPI, in a
# venv of its own): our expected outcomes are upstream's, except where a scenario says why not.
test-upstream-diff: $(UPSTREAM_VENV)/.installed
	$(UPSTREAM_VENV)/bin/python tests/python/scenario_runner.py tests/scenarios

$(UPSTREAM_VENV)/.installed:
	$(PYTHON) -m venv $(UPSTREAM_VENV)
	$(UPSTREAM_VENV)/bin/pip install -q 'vmware-pilot==2.4.0'
	touch $@

bench:
	$(CARGO) bench -p vmware-pilot-core --bench lifecycle

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
