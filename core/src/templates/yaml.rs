//! YAML text to JSON values (yaml-rust2, YAML 1.2 core schema), keeping mapping order.
//!
//! Hosts that have a YAML 1.1 parser of their own (the Python wheel has PyYAML, as upstream
//! does) may parse user files themselves and hand the core JSON; built-in templates are
//! written so that both readings agree.

use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

/// Parses one YAML document. An empty document is `null`.
pub fn parse_yaml(text: &str) -> Result<Value, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| format!("not valid YAML: {e}"))?;
    match docs.into_iter().next() {
        None => Ok(Value::Null),
        Some(doc) => to_json(doc, 0),
    }
}

fn key_text(k: Yaml) -> Result<String, String> {
    Ok(match k {
        Yaml::String(s) | Yaml::Real(s) => s,
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => if b { "True" } else { "False" }.to_string(),
        Yaml::Null => "None".to_string(),
        _ => return Err("mapping keys must be plain scalars".into()),
    })
}

fn to_json(y: Yaml, depth: usize) -> Result<Value, String> {
    if depth > 100 {
        return Err("nested more than 100 levels deep".into());
    }
    Ok(match y {
        Yaml::Null | Yaml::BadValue => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::from(i),
        Yaml::Real(s) => {
            let f: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
            Number::from_f64(f).map(Value::Number).unwrap_or_else(|| Value::String(s))
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Array(items) => Value::Array(items.into_iter().map(|i| to_json(i, depth + 1)).collect::<Result<_, _>>()?),
        Yaml::Hash(h) => {
            let mut m = Map::new();
            for (k, v) in h {
                m.insert(key_text(k)?, to_json(v, depth + 1)?);
            }
            Value::Object(m)
        }
        Yaml::Alias(_) => return Err("YAML aliases are not supported in templates".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_order_and_types() {
        let v = parse_yaml("b: 1\na: [x, 2.5, true, null]\nc: {z: 'q', y: \"w\"}\n").unwrap();
        assert_eq!(v, json!({"b": 1, "a": ["x", 2.5, true, null], "c": {"z": "q", "y": "w"}}));
        assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert!(parse_yaml("a: [").is_err());
        assert_eq!(parse_yaml("").unwrap(), Value::Null);
    }
}
