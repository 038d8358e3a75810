//! The 15 built-in templates (data files embedded at build time) and the set a host sees once
//! users' custom templates are added.

use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use super::document::{Template, TemplateSource};
use super::yaml::parse_yaml;
use crate::error::PilotError;

pub use crate::catalog::BUILTIN_NAMES;
use crate::catalog::BUILTIN_SOURCES;

pub fn builtin_names() -> &'static [&'static str] {
    &BUILTIN_NAMES
}

/// The built-in templates, parsed once. A built-in that fails to parse is a build bug that
/// the test suite catches; at run time it is left out rather than panicking.
pub fn builtin_templates() -> &'static [Template] {
    static ALL: OnceLock<Vec<Template>> = OnceLock::new();
    ALL.get_or_init(|| {
        BUILTIN_SOURCES
            .iter()
            .filter_map(|src| parse_yaml(src).ok().and_then(|doc| Template::from_document(doc, None).ok()))
            .collect()
    })
}

/// Parses the built-ins and reports every problem (for tests and `lint`).
pub fn check_builtins() -> Vec<String> {
    let mut problems = Vec::new();
    for (name, src) in BUILTIN_NAMES.iter().zip(BUILTIN_SOURCES) {
        match parse_yaml(src)
            .map_err(|e| e.to_string())
            .and_then(|d| Template::from_document(d, None).map_err(|e| e.to_string()))
        {
            Ok(t) if t.name != *name => problems.push(format!("{name}.yaml names itself '{}'", t.name)),
            Ok(t) => problems.extend(super::instantiate::lint(&t).into_iter().map(|e| format!("{name}: {e}"))),
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    problems
}

/// What to do with one custom template file (upstream's rules: an empty file, or one with no
/// `name` or no `steps`, is skipped with a warning; so is one that cannot be read).
#[derive(Debug, Clone, PartialEq)]
pub enum CustomFile {
    Template(Box<Template>),
    Skipped(String),
}

/// Reads one user template document (already parsed from YAML by the host).
pub fn custom_template(doc: Value, file_name: &str, display_path: &str) -> CustomFile {
    let has = |k: &str| doc.as_object().is_some_and(|m| m.contains_key(k));
    if !crate::pyfmt::is_truthy(&doc) || !has("name") || !has("steps") {
        return CustomFile::Skipped(format!("Skipping invalid workflow: {file_name} (missing name or steps)"));
    }
    let source = TemplateSource { file_name: file_name.into(), display_path: display_path.into() };
    match Template::from_document(doc, Some(source)) {
        Ok(t) => CustomFile::Template(Box::new(t)),
        Err(e) => CustomFile::Skipped(format!("Failed to load workflow from {file_name}: {e}")),
    }
}

/// The `list_workflows` entry of a custom file: `{"name", "description", "file", "steps"}`,
/// or `None` when upstream would leave the file out (empty, or no `name`).
pub fn custom_listing(doc: &Value, file_name: &str) -> Option<Value> {
    let m = doc.as_object().filter(|_| crate::pyfmt::is_truthy(doc))?;
    let name = m.get("name")?.clone();
    let steps = match m.get("steps") {
        None => 0,
        Some(Value::Array(a)) => a.len(),
        Some(Value::Object(o)) => o.len(),
        Some(Value::String(s)) => s.chars().count(),
        Some(_) => return None,
    };
    Some(json!({
        "name": name,
        "description": m.get("description").cloned().unwrap_or(Value::from("")),
        "file": file_name,
        "steps": steps,
        "type": "custom",
    }))
}

/// Built-ins plus custom templates: a custom template with a built-in's name replaces it
/// (keeping the built-in's place in the order); later files win over earlier ones.
#[derive(Debug, Clone)]
pub struct TemplateSet {
    entries: Vec<Template>,
    /// Built-in names a custom template replaced.
    pub shadowed: Vec<String>,
}

impl TemplateSet {
    pub fn builtins() -> Self {
        TemplateSet { entries: builtin_templates().to_vec(), shadowed: Vec::new() }
    }

    /// `customs` in file order.
    pub fn with_customs(customs: Vec<Template>) -> Self {
        let mut set = TemplateSet::builtins();
        for t in customs {
            if let Some(slot) = set.entries.iter_mut().find(|e| e.name == t.name) {
                if slot.source.is_none() && !set.shadowed.contains(&t.name) {
                    set.shadowed.push(t.name.clone());
                }
                *slot = t;
            } else {
                set.entries.push(t);
            }
        }
        set.shadowed.sort();
        set
    }

    pub fn names(&self) -> Vec<String> {
        self.entries.iter().map(|t| t.name.clone()).collect()
    }

    pub fn get(&self, name: &str) -> Option<&Template> {
        self.entries.iter().find(|t| t.name == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.entries.iter()
    }

    /// The template called `name`, or upstream's "Unknown workflow type" refusal.
    pub fn require(&self, name: &str) -> Result<&Template, PilotError> {
        self.get(name).ok_or_else(|| PilotError::UnknownTemplate { name: name.into(), available: self.names() })
    }

    /// `list_workflows` entries of the built-ins: `{"name", "type": "builtin", "description"}`.
    pub fn builtin_listing() -> Vec<Value> {
        builtin_templates()
            .iter()
            .map(|t| {
                let mut m = Map::new();
                m.insert("name".into(), Value::from(t.name.clone()));
                m.insert("type".into(), Value::from("builtin"));
                m.insert("description".into(), Value::from(t.description.clone()));
                Value::Object(m)
            })
            .collect()
    }
}
