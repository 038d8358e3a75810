//! WebAssembly bindings of the vmware-pilot core. (Stub until the npm issue: it only
//! proves the core links for wasm32.)

pub use pilot_core;
