//! The skill catalog: which companion skills Pilot knows, their tools and risk labels. The
//! risk labels drive the safety classification (spec §3.1).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

const SKILLS_JSON: &str = include_str!("../../../templates/catalog/skills.json");

struct Catalog {
    value: Value,
    /// (skill, tool) → risk, exact spelling.
    exact: HashMap<(String, String), String>,
    /// tool → highest risk across skills.
    highest: HashMap<String, String>,
}

fn rank(risk: &str) -> u8 {
    match risk {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let value: Value = serde_json::from_str(SKILLS_JSON).unwrap_or(Value::Null);
        let mut exact = HashMap::new();
        let mut highest: HashMap<String, String> = HashMap::new();
        if let Some(skills) = value.as_object() {
            for (skill, entry) in skills {
                let tools = entry.get("tools").and_then(Value::as_object);
                for (tool, meta) in tools.into_iter().flatten() {
                    let risk = meta.get("risk").and_then(Value::as_str).unwrap_or("").to_string();
                    exact.insert((skill.clone(), tool.clone()), risk.clone());
                    let slot = highest.entry(tool.clone()).or_default();
                    if rank(&risk) > rank(slot) {
                        *slot = risk;
                    }
                }
            }
        }
        Catalog { value, exact, highest }
    })
}

/// The catalog as `get_skill_catalog` returns it (13 skills, 101 tools, in order).
pub fn skill_catalog() -> &'static Value {
    &catalog().value
}

/// The catalog's skill names, in catalog order.
pub fn catalog_skill_names() -> Vec<String> {
    catalog().value.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

/// Whether `tool` is listed under exactly this `skill` spelling.
pub fn tool_in_catalog(skill: &str, tool: &str) -> bool {
    catalog().exact.contains_key(&(skill.to_string(), tool.to_string()))
}

/// The catalog's risk label for `skill.tool`, or `""`. The skill is matched verbatim
/// (`vmware-aiops` is not `aiops`); failing that, the tool's highest label under any skill
/// is used (critical > high > medium > low), because guessing low could hide a destructive
/// step.
pub fn catalog_risk(skill: &str, tool: &str) -> &'static str {
    let c = catalog();
    if let Some(risk) = c.exact.get(&(skill.to_string(), tool.to_string())) {
        if !risk.is_empty() {
            return risk;
        }
    }
    c.highest.get(tool).map(String::as_str).filter(|r| rank(r) > 0).unwrap_or("")
}

/// [`catalog_risk`] against another catalog of the same shape (a host's own, or a test's).
pub fn catalog_risk_in(catalog: &Value, skill: &str, tool: &str) -> String {
    let entry_risk = |e: &Value| e.get("risk").and_then(Value::as_str).unwrap_or("").to_string();
    if let Some(entry) = catalog.get(skill).and_then(|s| s.get("tools")).and_then(|t| t.get(tool)) {
        if entry.as_object().is_some_and(|o| !o.is_empty()) {
            return entry_risk(entry);
        }
    }
    let mut best = String::new();
    for s in catalog.as_object().into_iter().flat_map(|m| m.values()) {
        if let Some(e) = s.get("tools").and_then(|t| t.get(tool)) {
            let r = entry_risk(e);
            if rank(&r) > rank(&best) {
                best = r;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_counts() {
        let skills = skill_catalog().as_object().unwrap();
        assert_eq!(skills.len(), 13);
        let tools: usize = skills.values().map(|s| s["tools"].as_object().unwrap().len()).sum();
        assert_eq!(tools, 101);
        assert_eq!(catalog_skill_names()[0], "aiops");
    }

    #[test]
    fn risk_lookup() {
        assert_eq!(catalog_risk("aiops", "power_off_vm"), "high");
        assert_eq!(catalog_risk("monitor", "get_alarms"), "low");
        // unknown skill spelling falls back to the tool's highest label anywhere
        assert_eq!(catalog_risk("vmware-aiops", "power_off_vm"), "high");
        assert_eq!(catalog_risk("x", "no_such_tool"), "");
    }
}
