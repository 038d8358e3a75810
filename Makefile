# vmware-pilot: one sans-IO Rust core, shipped as a Rust crate, a Python wheel and an npm
# package. `make demo` runs the main job; `make test` installs what it needs and runs every
# test suite in the repo.

SHELL := /bin/bash
CARGO ?= cargo
PYTHON ?= python3
UPSTREAM_VENV ?= .venv-upstream

VENV ?= .venv
PY := $(VENV)/bin/python
WHEEL_DIR := target/wheels


.PHONY: demo demo-rust test test-rust test-wasm-build test-core-is-pure test-upstream-diff bench setup-rust fmt lint \
	python-env wheel install-wheel test-python test-upstream-suite bench-python dist \
	npm-deps chromium npm-build test-node test-browser test-npm-pack bench-node fuzz-long races-long

# The main job: one workflow through the real MCP server over stdio (official MCP client),
# with the embedded SQLite store under a temporary HOME.
demo: install-wheel
	$(PY) examples/python/mcp_demo.py

# The same engine with no Python at all: the Rust crate and its in-memory store.
demo-rust:
	$(CARGO) run -q -p vmware-pilot-core --example demo

test: setup-rust test-core-is-pure test-rust test-wasm-build test-upstream-diff install-wheel test-python test-upstream-suite \
	test-node test-browser test-npm-pack
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

# ── the Python wheel ──────────────────────────────────────────────────────────────────
$(VENV)/.ready:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q 'maturin>=1.5,<2' pytest
	touch $@

python-env: $(VENV)/.ready

# The wheel, built in release mode (abi3: one wheel for CPython 3.10+).
wheel: python-env
	rm -f $(WHEEL_DIR)/vmware_pilot-*.whl
	$(VENV)/bin/maturin build --release -q -m bindings-python/Cargo.toml -o $(WHEEL_DIR)

install-wheel: wheel
	$(PY) -m pip install -q --force-reinstall --no-deps $(WHEEL_DIR)/vmware_pilot-*.whl
	$(PY) -m pip install -q $(WHEEL_DIR)/vmware_pilot-*.whl

# Our own pytest suite: the scenario corpus through the Python API, the SQLite store, the
# MCP server over stdio with the official client, --dispatch with real child servers, the CLI.
test-python: install-wheel $(UPSTREAM_VENV)/.installed
	cd tests/python && PILOT_UPSTREAM_PYTHON=$(abspath $(UPSTREAM_VENV))/bin/python VMWARE_PILOT_VERIFY_ROWS=1 \
		$(abspath $(PY)) -m pytest -q -p no:cacheprovider .

# Upstream 2.4.0's own test suite against our wheel. A ratchet: 637 is every upstream test
# that can pass for an installed package (the other 23 read upstream's source tree).
UPSTREAM_MIN_PASS ?= 637
test-upstream-suite: install-wheel
	VMWARE_PILOT_VERIFY_ROWS=1 tests/conformance/upstream-suite --python $(abspath $(PY)) --min-pass $(UPSTREAM_MIN_PASS) \
		--report $(abspath target/upstream-suite.md)

bench-python: install-wheel $(UPSTREAM_VENV)/.installed
	$(PY) benches/python_lifecycle.py --ours $(PY) --upstream $(UPSTREAM_VENV)/bin/python
	$(PY) benches/python_memory.py --ours $(PY) --upstream $(UPSTREAM_VENV)/bin/python

# A portable manylinux2014 wheel for distribution (zig as the linker).
dist: python-env
	$(PY) -m pip install -q 'maturin[zig]>=1.5,<2'
	$(VENV)/bin/maturin build --release --strip --zig --compatibility manylinux2014 -m bindings-python/Cargo.toml -o dist

# ── the npm package (WebAssembly) ─────────────────────────────────────────────────────
# npm packages of the build and tests (wasm-opt, TypeScript, playwright-core), from the lockfile.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

npm-deps: node_modules/.installed

# Debian's chromium for the browser tests (never a browser downloaded by Playwright).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium >/dev/null; }; }
	@command -v chromium >/dev/null || { echo "chromium could not be installed (apt-get install -y chromium)"; exit 1; }

# dist/: the core for wasm32, bound for Node and for browsers, and the JS layer.
npm-build: npm-deps setup-rust
	scripts/build-npm.sh

# The scenario corpus through the wasm build against the Rust transcript (written by
# test-rust), the Pilot and storages, the examples, and a strict TypeScript program.
test-node: npm-build
	@test -f target/scenario-transcript.json || $(CARGO) test -q --release -p vmware-pilot-core --test scenarios
	node --test tests/node/
	node_modules/.bin/tsc -p tests/node/types/tsconfig.json

# The approval page in Debian's chromium, driven by playwright-core.
test-browser: npm-build chromium
	node --test tests/browser/

# npm pack of target/npm-package, installed into an empty folder: its README and license,
# require, import, types, the browser page, and the bundlers its README names (Vite, esbuild).
test-npm-pack: npm-build chromium
	tests/npm-pack/check.sh

bench-node: npm-build
	node benches/node_lifecycle.mjs

# ── long robustness runs (not in `make test`; docs/reliability.md) ─────────────────────
# cargo-fuzz on nightly (installed by the script), FUZZ_MINUTES per target.
FUZZ_MINUTES ?= 6
fuzz-long:
	scripts/fuzz-long.sh $(FUZZ_MINUTES)

# Two processes racing on one workflows.db, ours and upstream 2.4.0 side by side.
RACE_ROUNDS ?= 200
races-long: install-wheel $(UPSTREAM_VENV)/.installed
	$(PY) tests/races/run_races.py --rounds $(RACE_ROUNDS)

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
