//! WebAssembly bindings of the vmware-pilot core, for the npm package. Thin: values are
//! converted, the runtime supplies time and randomness, errors carry the core's codes.

mod convert;
mod engine;
mod env;
mod errors;
mod pilot;
mod storage;
mod templates;

pub use pilot::Pilot;

/// The core's version.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
