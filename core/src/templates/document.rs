//! A template as data: parsed from a YAML or JSON document (docs/templates.md).
//!
//! A document with `parameters` is a typed template (the built-ins, and users who want
//! typed parameters): its strings may hold `${...}` expressions. A document without them is
//! upstream's custom YAML format: `{{var}}` placeholders in step params only, any caller
//! params accepted — so existing `~/.vmware/workflows/*.yaml` files keep their meaning.

use serde_json::{Map, Value};

use crate::error::PilotError;
use crate::pyfmt::{py_repr, py_str};

/// A parameter's JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Int,
    Bool,
    List,
    Object,
    Any,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "string" => Kind::String,
            "int" | "integer" => Kind::Int,
            "bool" | "boolean" => Kind::Bool,
            "list" | "array" => Kind::List,
            "object" => Kind::Object,
            "any" => Kind::Any,
            _ => return None,
        })
    }

    pub fn json_type(self) -> Option<&'static str> {
        Some(match self {
            Kind::String => "string",
            Kind::Int => "integer",
            Kind::Bool => "boolean",
            Kind::List => "array",
            Kind::Object => "object",
            Kind::Any => return None,
        })
    }

    fn python(self, items: Option<Kind>) -> String {
        match self {
            Kind::String => "str".into(),
            Kind::Int => "int".into(),
            Kind::Bool => "bool".into(),
            Kind::Object => "dict[str, Any]".into(),
            Kind::Any => "Any".into(),
            Kind::List => format!("list[{}]", items.map_or("Any".into(), |k| k.python(None))),
        }
    }

    fn accepts(self, v: &Value) -> bool {
        match self {
            Kind::String => v.is_string(),
            Kind::Int => v.is_i64() || v.is_u64(),
            Kind::Bool => v.is_boolean(),
            Kind::List => v.is_array(),
            Kind::Object => v.is_object(),
            Kind::Any => true,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Int => "an integer",
            Kind::Bool => "true or false",
            Kind::List => "a list",
            Kind::Object => "an object",
            Kind::Any => "any value",
        }
    }
}

/// One typed parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub kind: Kind,
    /// The item type of a list.
    pub items: Option<Kind>,
    pub nullable: bool,
    /// `None`: required.
    pub default: Option<Value>,
    pub description: String,
    /// A string that must hold something other than whitespace.
    pub non_blank: bool,
    /// A list or object that must not be empty.
    pub non_empty: bool,
    pub minimum: Option<f64>,
    pub one_of: Option<Vec<Value>>,
    /// The refusal for a value that fails the checks above (may use `${...}`).
    pub error: Option<String>,
    /// Extra JSON Schema keywords (for a parameter whose checks are done by a function).
    pub schema_extra: Map<String, Value>,
    /// The Python annotation shown in the signature, when it is not the type's own.
    pub python: Option<String>,
}

impl Parameter {
    /// Python's rendering in a signature: `name: 'str' = ''`.
    pub fn signature_part(&self) -> String {
        let mut ann = self.python.clone().unwrap_or_else(|| self.kind.python(self.items));
        if self.nullable && self.python.is_none() {
            ann.push_str(" | None");
        }
        match &self.default {
            None => format!("{}: '{ann}'", self.name),
            Some(d) => format!("{}: '{ann}' = {}", self.name, py_repr(d)),
        }
    }

    /// Why `v` does not fit this parameter (type and simple checks), or `None`.
    pub fn problem(&self, template: &str, v: &Value) -> Option<String> {
        if v.is_null() && self.nullable {
            return None;
        }
        let shown = || {
            let r = py_repr(v);
            if r.chars().count() > 60 {
                format!("{}…", r.chars().take(60).collect::<String>())
            } else {
                r
            }
        };
        if !self.kind.accepts(v) {
            return Some(format!(
                "{template}: {} must be {}{}, got {} {}.{}",
                self.name,
                self.kind.noun(),
                if self.nullable { " or null" } else { "" },
                crate::pyfmt::py_type_name(v),
                shown(),
                if self.description.is_empty() { String::new() } else { format!(" ({})", self.description) }
            ));
        }
        if let (Some(items), Value::Array(list)) = (self.items, v) {
            if let Some((i, bad)) = list.iter().enumerate().find(|(_, x)| !items.accepts(x)) {
                return Some(format!(
                    "{template}: {} must be a list of {} items; item {i} is {} {}.",
                    self.name,
                    items.json_type().unwrap_or("any"),
                    crate::pyfmt::py_type_name(bad),
                    py_repr(bad)
                ));
            }
        }
        let fails = (self.non_blank && v.as_str().is_some_and(|s| crate::pyfmt::py_strip(s).is_empty()))
            || (self.non_empty
                && (v.as_array().is_some_and(Vec::is_empty) || v.as_object().is_some_and(Map::is_empty)))
            || self.minimum.is_some_and(|m| v.as_f64().is_some_and(|x| x < m))
            || self.one_of.as_ref().is_some_and(|opts| !opts.contains(v));
        if fails {
            return Some(match &self.error {
                Some(e) => e.clone(),
                None => {
                    let mut rule = Vec::new();
                    if self.non_blank {
                        rule.push("a non-blank string".to_string());
                    }
                    if self.non_empty {
                        rule.push("not empty".to_string());
                    }
                    if let Some(m) = self.minimum {
                        rule.push(format!("at least {}", py_str(&serde_json::json!(m))));
                    }
                    if let Some(o) = &self.one_of {
                        rule.push(format!("one of {}", py_repr(&Value::Array(o.clone()))));
                    }
                    format!("{template}: {} must be {}, got {}.", self.name, rule.join(", "), shown())
                }
            });
        }
        None
    }

    /// This parameter's JSON Schema.
    pub fn schema(&self) -> Value {
        let mut m = Map::new();
        if let Some(t) = self.kind.json_type() {
            m.insert("type".into(), if self.nullable { serde_json::json!([t, "null"]) } else { Value::from(t) });
        }
        if let (Kind::List, Some(items)) = (self.kind, self.items) {
            let mut it = Map::new();
            if let Some(t) = items.json_type() {
                it.insert("type".into(), Value::from(t));
            }
            m.insert("items".into(), Value::Object(it));
        }
        if !self.description.is_empty() {
            m.insert("description".into(), Value::from(self.description.clone()));
        }
        if let Some(d) = &self.default {
            m.insert("default".into(), d.clone());
        }
        if self.non_blank {
            m.insert("minLength".into(), Value::from(1));
            m.insert("pattern".into(), Value::from("\\S"));
        }
        if self.non_empty {
            m.insert(if self.kind == Kind::Object { "minProperties" } else { "minItems" }.into(), Value::from(1));
        }
        if let Some(min) = self.minimum {
            m.insert("minimum".into(), serde_json::json!(min));
        }
        if let Some(opts) = &self.one_of {
            m.insert("enum".into(), Value::Array(opts.clone()));
        }
        for (k, v) in &self.schema_extra {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }
}

/// A template, built-in or custom.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub name: String,
    /// One line, as `list_workflows` shows it.
    pub description: String,
    /// `None` for upstream-format templates, which take any params.
    pub parameters: Option<Vec<Parameter>>,
    pub authors: Vec<String>,
    /// The document itself (steps, prepare, params sections).
    pub doc: Map<String, Value>,
    /// For custom templates: the file name (`params._source`) and the path to show.
    pub source: Option<TemplateSource>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    pub file_name: String,
    pub display_path: String,
}

fn definition(name: &str, message: impl Into<String>) -> PilotError {
    PilotError::TemplateDefinition { template: name.to_string(), message: message.into() }
}

fn parse_parameter(template: &str, name: &str, spec: &Value) -> Result<Parameter, PilotError> {
    let spec = match spec {
        Value::String(t) => serde_json::json!({"type": t}),
        other => other.clone(),
    };
    let get_str = |k: &str| spec.get(k).and_then(Value::as_str);
    let kind = Kind::parse(get_str("type").unwrap_or("any"))
        .ok_or_else(|| definition(template, format!("parameter '{name}' has an unknown type")))?;
    let items = match get_str("items") {
        None => None,
        Some(t) => Some(
            Kind::parse(t).ok_or_else(|| definition(template, format!("parameter '{name}' has unknown items type")))?,
        ),
    };
    Ok(Parameter {
        name: name.to_string(),
        kind,
        items,
        nullable: spec.get("nullable").and_then(Value::as_bool).unwrap_or(false),
        default: spec.get("default").cloned(),
        description: get_str("description").unwrap_or("").to_string(),
        non_blank: spec.get("non_blank").and_then(Value::as_bool).unwrap_or(false),
        non_empty: spec.get("non_empty").and_then(Value::as_bool).unwrap_or(false),
        minimum: spec.get("minimum").and_then(Value::as_f64),
        one_of: spec.get("one_of").and_then(Value::as_array).cloned(),
        error: get_str("error").map(String::from),
        schema_extra: spec.get("schema").and_then(Value::as_object).cloned().unwrap_or_default(),
        python: get_str("python").map(String::from),
    })
}

impl Template {
    /// Reads a template document. `source` is set for custom templates (files).
    pub fn from_document(doc: Value, source: Option<TemplateSource>) -> Result<Template, PilotError> {
        let Value::Object(doc) = doc else {
            return Err(definition("?", "a template document must be a mapping with name and steps"));
        };
        let name = match doc.get("name") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => py_str(other),
            None => return Err(definition("?", "a template document needs a 'name'")),
        };
        if !doc.contains_key("steps") {
            return Err(definition(&name, "a template document needs 'steps'"));
        }
        if !doc["steps"].is_array() {
            return Err(definition(&name, "'steps' must be a list of step mappings"));
        }
        let description =
            doc.get("description").map(|d| if d.is_null() { String::new() } else { py_str(d) }).unwrap_or_default();
        let parameters = match doc.get("parameters") {
            None => None,
            Some(Value::Object(ps)) => {
                Some(ps.iter().map(|(n, spec)| parse_parameter(&name, n, spec)).collect::<Result<Vec<_>, _>>()?)
            }
            Some(_) => return Err(definition(&name, "'parameters' must map each parameter name to its spec")),
        };
        if let Some(ps) = &parameters {
            // Python refuses a required parameter after one with a default; so do we
            let mut seen_default = false;
            for p in ps {
                if p.default.is_some() {
                    seen_default = true;
                } else if seen_default {
                    return Err(definition(
                        &name,
                        format!("required parameter '{}' follows one with a default", p.name),
                    ));
                }
            }
        }
        let authors = match doc.get("authors") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.iter().map(py_str).collect(),
            Some(other) => vec![py_str(other)],
        };
        Ok(Template { name, description, parameters, authors, doc, source })
    }

    pub fn is_typed(&self) -> bool {
        self.parameters.is_some()
    }

    /// The Python signature upstream shows in bind errors: `(vm_names: 'list[str]', target:
    /// 'str' = '') -> 'Workflow'`; `(**params: 'Any') -> 'Workflow'` for untyped templates.
    pub fn signature(&self) -> String {
        match &self.parameters {
            None => "(**params: 'Any') -> 'Workflow'".into(),
            Some(ps) => {
                format!("({}) -> 'Workflow'", ps.iter().map(Parameter::signature_part).collect::<Vec<_>>().join(", "))
            }
        }
    }

    /// The JSON Schema of the template's params (for MCP input schemas and forms).
    pub fn params_schema(&self) -> Value {
        let mut m = Map::new();
        m.insert("title".into(), Value::from(self.name.clone()));
        m.insert("description".into(), Value::from(self.description.clone()));
        m.insert("type".into(), Value::from("object"));
        match &self.parameters {
            None => {
                m.insert("additionalProperties".into(), Value::Bool(true));
            }
            Some(ps) => {
                let props: Map<String, Value> = ps.iter().map(|p| (p.name.clone(), p.schema())).collect();
                let required: Vec<Value> =
                    ps.iter().filter(|p| p.default.is_none()).map(|p| Value::from(p.name.clone())).collect();
                m.insert("properties".into(), Value::Object(props));
                if !required.is_empty() {
                    m.insert("required".into(), Value::Array(required));
                }
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
        }
        Value::Object(m)
    }

    /// Number of step entries in the document (what `list_workflows` shows for custom files).
    pub fn step_entries(&self) -> usize {
        self.doc.get("steps").and_then(Value::as_array).map_or(0, Vec::len)
    }
}
