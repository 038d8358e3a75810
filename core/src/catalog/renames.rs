//! Pre-2.0 tool names and their 2.0 names, per companion server.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

const RENAMES_JSON: &str = include_str!("../../../templates/catalog/renames.json");

type Table = HashMap<String, HashMap<String, String>>;

/// The rename table keyed by server (`vmware-aiops` → old → new).
pub fn rename_table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Table::new();
        // The file is ours and checked by tests; a malformed file yields an empty table
        // rather than a panic.
        let parsed: Value = serde_json::from_str(RENAMES_JSON).unwrap_or(Value::Null);
        if let Some(servers) = parsed.get("servers").and_then(Value::as_object) {
            for (server, pairs) in servers {
                let map = pairs
                    .as_object()
                    .map(|m| m.iter().filter_map(|(old, new)| Some((old.clone(), new.as_str()?.to_string()))).collect())
                    .unwrap_or_default();
                table.insert(server.clone(), map);
            }
        }
        table
    })
}

/// A skill name as the family spells its server, without the `vmware-` prefix: `AIops`,
/// `vmware_aiops`, ` vmware-aiops ` and `aiops` all give `aiops`; `log_insight` gives
/// `log-insight`.
pub fn bare_skill(skill: &str) -> String {
    let lowered = crate::pyfmt::py_strip(skill).to_lowercase().replace('_', "-");
    match lowered.strip_prefix("vmware-") {
        Some(rest) => rest.to_string(),
        None => lowered,
    }
}

/// `tool`'s 2.0 name within `skill`, or `tool` itself when it was not renamed there.
/// Renaming an already-new name is a no-op: no server's old names overlap its new ones.
pub fn current_tool_name(skill: &str, tool: &str) -> String {
    if tool.is_empty() {
        return String::new();
    }
    let server = format!("vmware-{}", bare_skill(skill));
    rename_table().get(&server).and_then(|m| m.get(tool)).cloned().unwrap_or_else(|| tool.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_pair() {
        let total: usize = rename_table().values().map(HashMap::len).sum();
        assert_eq!(total, 173);
        assert_eq!(rename_table().len(), 11);
    }

    #[test]
    fn translation_is_per_skill() {
        assert_eq!(current_tool_name("avi", "pool_list"), "list_lb_pools");
        assert_eq!(current_tool_name("vdi", "pool_list"), "list_desktop_pools");
        assert_eq!(current_tool_name("vks", "list_vm_snapshots"), "list_vm_service_snapshots");
        assert_eq!(current_tool_name("aiops", "list_vm_snapshots"), "list_vm_snapshots");
        assert_eq!(current_tool_name("vmware_aiops", "vm_power_on"), "power_on_vm");
        assert_eq!(current_tool_name(" AIops ", "vm_power_on"), "power_on_vm");
        assert_eq!(current_tool_name("log_insight", "log_search"), "search_logs");
        assert_eq!(current_tool_name("pilot", "plan_workflow"), "create_workflow_from_template");
        assert_eq!(current_tool_name("nsx", "vm_power_on"), "vm_power_on");
        assert_eq!(current_tool_name("aiops", ""), "");
    }
}
