//! The built-in templates' names and YAML sources (`templates/builtin/`), embedded at build
//! time. Safety rules need the names (a custom workflow is one whose type is not a built-in's);
//! the template registry parses the sources.

macro_rules! builtins {
    ($($name:literal),* $(,)?) => {
        /// Built-in template names, in upstream's registry order.
        pub const BUILTIN_NAMES: [&str; 15] = [$($name),*];
        pub(crate) const BUILTIN_SOURCES: [&str; 15] = [$(include_str!(concat!("../../../templates/builtin/", $name, ".yaml"))),*];
    };
}

builtins!(
    "clone_and_test",
    "incident_response",
    "investigate_alert",
    "plan_and_approve",
    "compliance_scan",
    "network_segment_setup",
    "vks_cluster_deploy",
    "rolling_restart",
    "capacity_expansion",
    "disaster_recovery",
    "patch_deployment",
    "storage_expansion",
    "baseline_capture",
    "baseline_audit",
    "baseline_remediate",
);
