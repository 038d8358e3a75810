//! Data the core ships with, embedded at build time from `templates/catalog/`: the skill
//! catalog (skills, tools and risk labels; spec Appendix B) and the 2.0 tool-rename table
//! (spec Appendix A).

mod builtins;
mod renames;
mod skills;

pub use builtins::BUILTIN_NAMES;
pub(crate) use builtins::BUILTIN_SOURCES;
pub use renames::{bare_skill, current_tool_name, rename_table};
pub use skills::{catalog_risk, catalog_risk_in, catalog_skill_names, skill_catalog, tool_in_catalog};
