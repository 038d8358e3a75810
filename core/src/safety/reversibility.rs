//! What a rollback really undoes (spec §3.4). A step that creates an object is fully undone
//! only by a rollback tool that removes it; any other rollback leaves the object behind.

use crate::catalog::{bare_skill, catalog_risk};
use crate::pyfmt::py_repr;
use crate::record::WorkflowStep;

/// (skill, tool) that creates an object → the rollback tools that remove it.
const CREATES: [(&str, &str, &[&str]); 7] = [
    ("aiops", "deploy_linked_clone", &["delete_vm"]),
    ("aiops", "clone_vm", &["delete_vm"]),
    ("aiops", "deploy_vm_from_template", &["delete_vm"]),
    ("aiops", "deploy_vm_from_ova", &["delete_vm"]),
    ("aiops", "create_vm", &["delete_vm"]),
    ("aiops", "batch_clone_vms", &[]),
    ("aiops", "batch_linked_clone_vms", &[]),
];

/// `left_in_place_note`: executed steps without a rollback tool.
pub const NOT_REVERSIBLE_NOTE: &str = "not reversible by Pilot: these steps have no \
rollback_tool, so what they changed stays applied after rollback — reverse it by hand (or with \
an explicit new plan) if it must go";

/// `not_reversible_outside_pilot_note`: handed-out steps without a rollback tool.
pub const OUTSIDE_PILOT_NOTE: &str = "not reversible by Pilot: these steps were handed to the \
caller (no dispatcher) and have no rollback_tool — if someone performed them, what they changed \
stays after rollback (a clone stays in the inventory, a production resize stays applied); check \
and reverse it by hand";

/// True when the catalog marks the step's tool low risk. Only the catalog decides here: a
/// name that merely reads like an inspection (`retarget_vm`) is not read-only.
pub fn is_read_only(step: &WorkflowStep) -> bool {
    catalog_risk(&step.skill, &step.tool) == "low"
}

/// What stays after `step`'s rollback runs, or `""` when the rollback is a full undo.
pub fn leaves_behind(step: &WorkflowStep) -> String {
    let skill = bare_skill(&step.skill);
    let Some((_, _, removers)) = CREATES.iter().find(|(s, t, _)| *s == skill && *t == step.tool) else {
        return String::new();
    };
    if removers.contains(&step.rollback_tool.as_str()) {
        return String::new();
    }
    let what = ["new_name", "vm_name"]
        .iter()
        .filter_map(|k| step.params.get(*k))
        .find(|v| crate::pyfmt::is_truthy(v))
        .map(py_repr)
        .unwrap_or_else(|| "'the object it created'".to_string());
    format!(
        "{tool} created {what}; its rollback {rb} does not remove it — {what} (and any disk it \
         owns) stays in the inventory. Delete it by hand once you have checked it is the one \
         this workflow created.",
        tool = step.tool,
        rb = step.rollback_tool,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};

    #[test]
    fn clone_powered_off_is_left_behind() {
        let params = json!({"new_name": "web-staging"}).as_object().unwrap().clone();
        let step = WorkflowStep::new(0, "clone", "vmware_aiops", "deploy_linked_clone", params)
            .with_rollback("power_off_vm", Map::new());
        let left = leaves_behind(&step);
        assert!(left.contains("stays") && left.contains("'web-staging'"), "{left}");
        let deleted = step.clone().with_rollback("delete_vm", Map::new());
        assert_eq!(leaves_behind(&deleted), "");
        let other = WorkflowStep::new(0, "x", "aiops", "power_on_vm", Map::new());
        assert_eq!(leaves_behind(&other), "");
    }

    #[test]
    fn read_only_is_catalog_only() {
        let read = WorkflowStep::new(0, "a", "monitor", "get_alarms", Map::new());
        assert!(is_read_only(&read));
        let guess = WorkflowStep::new(0, "a", "aiops", "retarget_vm", Map::new());
        assert!(!is_read_only(&guess));
    }
}
