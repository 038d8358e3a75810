//! Templates as data (docs/templates.md): the built-ins embedded from `templates/builtin/`,
//! users' custom templates, one interpreter for both, and a JSON Schema per template.

mod document;
mod expr;
mod functions;
mod instantiate;
mod registry;
mod yaml;

pub use document::{Kind, Parameter, Template, TemplateSource};
pub use functions::{aiops_change, guest_username};
pub use instantiate::{bind, instantiate, lint, substitute_braces};
pub use registry::{
    builtin_names, builtin_templates, check_builtins, custom_listing, custom_template, CustomFile, TemplateSet,
    BUILTIN_NAMES,
};
pub use yaml::parse_yaml;

use serde_json::{Map, Value};

use crate::env::Env;
use crate::error::PilotError;
use crate::record::Workflow;

/// Builds a workflow from the named template of `set` (`create_workflow_from_template`).
pub fn create_from_template(
    set: &TemplateSet,
    name: &str,
    args: &Map<String, Value>,
    env: &Env,
) -> Result<Workflow, PilotError> {
    instantiate(set.require(name)?, args, env)
}
