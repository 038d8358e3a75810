//! Python bindings of the vmware-pilot core. (Stub until the Python issue.)

pub use pilot_core;
