//! Users' templates (upstream's YAML format and our typed one), the template set, bind errors,
//! Python signatures and JSON Schemas.

use pilot_core::templates::{
    create_from_template, custom_listing, custom_template, parse_yaml, CustomFile, TemplateSet,
};
use pilot_core::{Env, PilotError, Timestamp};
use serde_json::{json, Map, Value};

fn env() -> Env {
    Env::new(Timestamp { unix_micros: 1_795_305_600_000_000, utc_offset_secs: 0 }, 7, "alice")
}

fn args(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

const RESTART_DB: &str = r#"
name: restart_db
description: Rolling restart of the database pair
authors: [bob, alice, 42]
steps:
  - action: check
    skill: monitor
    tool: get_alarms
    params:
      target: "{{target}}"
      note: "{{count}} VMs, flag {{flag}}, list {{names}}, missing {{nope}}, {{ spaced }}"
  - action: require_approval
    skill: pilot
    tool: approve
    params: {message: "Stop {{replica}}?"}
  - skill: aiops
    tool: vm_power_off
    params: {vm_name: "{{replica}}", nested: [{x: "{{replica}}"}]}
    rollback_tool: vm_power_on
    rollback_params: {vm_name: "{{replica}}"}
    group_id: ignored
"#;

fn load(text: &str, file: &str) -> pilot_core::templates::Template {
    match custom_template(parse_yaml(text).unwrap(), file, &format!("~/.vmware/workflows/{file}")) {
        CustomFile::Template(t) => *t,
        CustomFile::Skipped(why) => panic!("skipped: {why}"),
    }
}

#[test]
fn upstream_format_substitutes_like_python() {
    let t = load(RESTART_DB, "restart_db.yaml");
    assert_eq!(t.signature(), "(**params: 'Any') -> 'Workflow'");
    let set = TemplateSet::with_customs(vec![t]);
    let a = args(json!({"target": "vc", "count": 3, "flag": true, "names": ["a", "b"], "replica": "db02"}));
    let wf = create_from_template(&set, "restart_db", &a, &env()).unwrap();
    assert_eq!(wf.workflow_type, "restart_db");
    assert_eq!(wf.steps[0].params["note"], "3 VMs, flag True, list ['a', 'b'], missing {{nope}}, {{ spaced }}");
    assert_eq!(wf.steps[0].params["target"], "vc");
    assert_eq!(wf.steps[2].action, "step_2");
    assert_eq!(wf.steps[2].tool, "power_off_vm", "pre-2.0 names are translated");
    assert_eq!(wf.steps[2].rollback_tool, "power_on_vm");
    assert_eq!(wf.steps[2].params["nested"], json!([{"x": "db02"}]));
    assert_eq!(wf.steps[2].group_id, "", "custom YAML cannot set groups");
    let mut want = a.clone();
    want.insert("_source".into(), json!("restart_db.yaml"));
    want.insert("_description".into(), json!("Rolling restart of the database pair"));
    assert_eq!(Value::Object(wf.params.clone()), Value::Object(want));
    assert_eq!(wf.created_by, "alice");
    assert_eq!(wf.authors, ["bob", "42"], "str() of each author, the creator left out");
}

#[test]
fn an_ungated_custom_template_lists_but_never_plans() {
    let text = "name: wipe\nsteps:\n  - {skill: aiops, tool: delete_vm, params: {vm_name: '{{vm}}'}}\n";
    let t = load(text, "wipe.yaml");
    let set = TemplateSet::with_customs(vec![t]);
    match create_from_template(&set, "wipe", &args(json!({"vm": "x"})), &env()) {
        Err(PilotError::ApprovalGate { payload }) => {
            let error = payload["error"].as_str().unwrap();
            assert!(
                error.contains("Refusing to plan custom workflow 'wipe' (defined in ~/.vmware/workflows/wipe.yaml)"),
                "{error}"
            );
            assert!(error.contains("step 0 (aiops.delete_vm") && error.contains("require_approval"), "{error}");
            assert!(error.contains("create_workflow_from_template('wipe', ...)"), "{error}");
            assert!(error.contains("      message: \"Next: aiops.delete_vm."), "yaml snippet: {error}");
            assert_eq!(payload["fix"]["insert_before_step"], 0);
            assert_eq!(payload["fix"]["step"]["action"], "require_approval");
            assert_eq!(payload["approval_gate_violations"][0]["kind"], "ungated_destructive");
        }
        other => panic!("{other:?}"),
    }
    let listing = custom_listing(&parse_yaml(text).unwrap(), "wipe.yaml").unwrap();
    assert_eq!(listing, json!({"name": "wipe", "description": "", "file": "wipe.yaml", "steps": 1, "type": "custom"}));
}

#[test]
fn invalid_files_are_skipped_and_listing_follows_upstream() {
    for (text, skipped) in
        [("", true), ("name: x\n", true), ("steps: []\n", true), ("[1, 2]\n", true), ("name: x\nsteps: []\n", false)]
    {
        let r = custom_template(parse_yaml(text).unwrap(), "f.yaml", "~/f.yaml");
        assert_eq!(matches!(r, CustomFile::Skipped(_)), skipped, "{text:?}");
    }
    // a file without steps still lists (count 0), one without a name does not
    assert_eq!(custom_listing(&parse_yaml("name: x\n").unwrap(), "f.yaml").unwrap()["steps"], 0);
    assert!(custom_listing(&parse_yaml("steps: []\n").unwrap(), "f.yaml").is_none());
}

#[test]
fn a_custom_template_shadows_a_builtin_in_place() {
    let t = load("name: rolling_restart\nsteps: []\n", "mine.yaml");
    let set = TemplateSet::with_customs(vec![t, load("name: zeta\nsteps: []\n", "z.yaml")]);
    assert_eq!(set.shadowed, ["rolling_restart"]);
    let names = set.names();
    assert_eq!(names[7], "rolling_restart");
    assert_eq!(names.last().unwrap(), "zeta");
    let wf = create_from_template(&set, "rolling_restart", &Map::new(), &env()).unwrap();
    assert_eq!(wf.params["_source"], "mine.yaml", "the shadowing file is custom");
    match create_from_template(&set, "nope", &Map::new(), &env()) {
        Err(e @ PilotError::UnknownTemplate { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("Unknown workflow type: nope. Available: ['clone_and_test', 'incident_response'"),
                "{msg}"
            );
            assert!(msg.ends_with("'baseline_remediate', 'zeta']"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn typed_custom_templates_validate_their_parameters() {
    let text = r#"
name: drain_host
description: Drain one ESXi host
parameters:
  host: {type: string, non_blank: true, description: Host to drain}
  mode: {type: string, default: soft, one_of: [soft, hard]}
  batch: {type: int, default: 2, minimum: 1}
steps:
  - gate: "Drain ${host} (${mode}, ${batch} at a time)?"
  - {action: "drain_${host}", skill: aiops, tool: enter_maintenance, params: {host: "${host}", batch: "${batch}"}}
"#;
    let t = load(text, "drain.yaml");
    assert_eq!(t.signature(), "(host: 'str', mode: 'str' = 'soft', batch: 'int' = 2) -> 'Workflow'");
    let set = TemplateSet::with_customs(vec![t]);
    let wf = create_from_template(&set, "drain_host", &args(json!({"host": "esx-1"})), &env()).unwrap();
    assert_eq!(wf.steps[0].params["message"], "Drain esx-1 (soft, 2 at a time)?");
    assert_eq!(wf.steps[1].params["batch"], 2, "a whole expression keeps its type");
    assert_eq!(wf.params["_source"], "drain.yaml");
    for (bad, needle) in [
        (json!({}), "missing a required argument: 'host'"),
        (json!({"host": "h", "speed": 1}), "got an unexpected keyword argument 'speed'"),
        (json!({"host": "  "}), "non-blank"),
        (json!({"host": "h", "mode": "wild"}), "one of ['soft', 'hard']"),
        (json!({"host": "h", "batch": 0}), "at least 1"),
        (json!({"host": 5}), "host must be a string, got int 5"),
    ] {
        let e = create_from_template(&set, "drain_host", &args(bad.clone()), &env()).unwrap_err();
        assert!(e.to_string().contains(needle), "{bad}: {e}");
    }
}

#[test]
fn builtin_signatures_are_pythons() {
    let want = [
        ("clone_and_test", "(target_vm: 'str', change_spec: 'dict[str, Any]', monitor_minutes: 'int' = 5, target: 'str' = '', snapshot_name: 'str' = '') -> 'Workflow'"),
        ("patch_deployment", "(vm_names: 'list[str]', patch_local_path: 'str', patch_guest_path: 'str', install_command: 'str', username: 'str', password: 'str' = '', target: 'str' = '') -> 'Workflow'"),
        ("investigate_alert", "(alert_entity: 'str', alert_name: 'str' = '', deep_dive: 'bool' = False, target: 'str' = '', aria_target: 'str' = '') -> 'Workflow'"),
        ("plan_and_approve", "(operations: 'list[dict[str, Any]]', target: 'str' = '', description: 'str' = '') -> 'Workflow'"),
        ("baseline_capture", "(target: 'str' = '', include_vms: 'bool' = True, include_hosts: 'bool' = True, include_network: 'bool' = True, include_storage: 'bool' = True, include_alarms: 'bool' = True, baseline_name: 'str' = '') -> 'Workflow'"),
        ("rolling_restart", "(vm_names: 'list[str]', target: 'str' = '') -> 'Workflow'"),
        ("capacity_expansion", "(vm_name: 'str', cpu: 'int | None' = None, memory_mb: 'int | None' = None, target: 'str' = '') -> 'Workflow'"),
        ("vks_cluster_deploy", "(namespace_name: 'str', cluster_id: 'str', storage_policy: 'str', tkc_name: 'str', k8s_version: 'str', vm_class: 'str' = 'best-effort-medium', worker_count: 'int' = 3, target: 'str' = '') -> 'Workflow'"),
        ("baseline_remediate", "(drift_items: 'list[dict[str, Any]]', target: 'str' = '') -> 'Workflow'"),
        ("compliance_scan", "(target: 'str' = '', check_alarms: 'bool' = True, check_capacity: 'bool' = True, cluster_id: 'str' = '') -> 'Workflow'"),
    ];
    let set = TemplateSet::builtins();
    for (name, sig) in want {
        let t = set.get(name).unwrap();
        assert_eq!(t.signature(), sig, "{name}");
    }
}

#[test]
fn every_builtin_has_a_json_schema() {
    for t in TemplateSet::builtins().iter() {
        let s = t.params_schema();
        assert_eq!(s["type"], "object");
        assert_eq!(s["additionalProperties"], false, "{}", t.name);
        let props = s["properties"].as_object().unwrap();
        assert!(!props.is_empty(), "{}", t.name);
        for (k, p) in props {
            assert!(p["description"].as_str().is_some_and(|d| !d.is_empty()), "{}.{k} has no description", t.name);
            assert!(p.get("type").is_some(), "{}.{k} has no type", t.name);
        }
    }
    let rr = TemplateSet::builtins().get("rolling_restart").unwrap().params_schema();
    assert_eq!(rr["required"], json!(["vm_names"]));
    assert_eq!(rr["properties"]["vm_names"]["items"], json!({"type": "string"}));
    assert_eq!(rr["properties"]["target"]["default"], "");
}

#[test]
fn wrong_types_are_refused_not_guessed() {
    let set = TemplateSet::builtins();
    let e = create_from_template(&set, "rolling_restart", &args(json!({"vm_names": "web-01"})), &env()).unwrap_err();
    assert_eq!(e.code(), "template_argument");
    assert!(e.to_string().contains("vm_names must be a list"), "{e}");
    let e = create_from_template(&set, "rolling_restart", &args(json!({"vm_names": ["a", 3]})), &env()).unwrap_err();
    assert!(e.to_string().contains("item 1 is int 3"), "{e}");
    let e = create_from_template(&set, "rolling_restart", &args(json!({"target": "x"})), &env()).unwrap_err();
    match e {
        PilotError::TemplateBind { message, signature, .. } => {
            assert_eq!(message, "missing a required argument: 'vm_names'");
            assert_eq!(signature, "(vm_names: 'list[str]', target: 'str' = '') -> 'Workflow'");
        }
        other => panic!("{other:?}"),
    }
}
