#!/usr/bin/env bash
# Builds the npm package's contents into dist/: the core compiled to wasm32, bound twice by
# wasm-bindgen (Node: CommonJS, instantiated synchronously; browsers and bundlers: ESM,
# instantiated by ready()), and the JS layer from js/. Installs what it needs: the wasm32
# target and the wasm-bindgen CLI at the exact version of the crate.
set -euo pipefail
cd "$(dirname "$0")/.."

BINDGEN_VERSION=0.2.130   # must equal bindings-wasm/Cargo.toml's wasm-bindgen pin
CARGO=${CARGO:-cargo}

rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $BINDGEN_VERSION" ]]; then
  echo "installing wasm-bindgen-cli $BINDGEN_VERSION (a few minutes, once)"
  "$CARGO" install -q wasm-bindgen-cli --version "$BINDGEN_VERSION"
fi

"$CARGO" build -q -p vmware-pilot-wasm --target wasm32-unknown-unknown --profile wasm-release
WASM=target/wasm32-unknown-unknown/wasm-release/vmware_pilot_wasm.wasm

rm -rf dist
for target in nodejs web; do
  out=dist/$([[ $target == nodejs ]] && echo node || echo web)
  wasm-bindgen "$WASM" --target "$target" --out-dir "$out" --out-name pilot_core \
    --no-typescript --remove-name-section --remove-producers-section
done

# One .wasm in the package: both targets emit the same module, and the Node loader reads the
# browser build's copy (scripts/assemble-npm.mjs points it there).
cmp -s dist/node/pilot_core_bg.wasm dist/web/pilot_core_bg.wasm \
  || { echo "the nodejs and web targets produced different .wasm files" >&2; exit 1; }
rm dist/node/pilot_core_bg.wasm

# wasm-opt from npm's binaryen when installed (never Debian's: its output fails in Node).
if [[ -x node_modules/.bin/wasm-opt ]]; then
  for f in dist/web/pilot_core_bg.wasm; do
    node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals "$f" -o "$f.opt" && mv "$f.opt" "$f"
  done
fi

node scripts/assemble-npm.mjs
