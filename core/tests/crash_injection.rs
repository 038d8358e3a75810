//! Crash injection: full lifecycles of several templates in host mode, where the process
//! dies at the k-th write — for every k. Three ways to die:
//!
//! * `write_fails`: the k-th save does not reach the store (the call returns an error);
//! * `dies_after_write`: the k-th save lands, then the process dies before acting on it;
//! * `dies_after_perform`: the process performs a dispatched call, then dies before
//!   reporting it (counted at the write that handed the call out).
//!
//! A new process (a new driver over the same store) then resumes. Invariants: no call is
//! performed twice; every write acknowledged to the host is in the store; a step whose fate
//! the store cannot know is `interrupted`, never dispatched again; and the workflow reaches
//! a settled state.

use std::cell::RefCell;
use std::rc::Rc;

use pilot_core::engine::{Options, Reported};
use pilot_core::record::{Changes, Persisted, Workflow};
use pilot_core::storage::{Driver, ListFilter, MemoryStore, Revision, Storage, Summary};
use pilot_core::templates::{create_from_template, TemplateSet};
use pilot_core::{Checkpoint, Env, PilotError, Timestamp, Transition, WorkflowState};
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Death {
    WriteFails,
    DiesAfterWrite,
    DiesAfterPerform,
}

/// The shared store, with a counter of writes and the write at which the process dies.
#[derive(Clone)]
struct Disk {
    inner: Rc<RefCell<MemoryStore>>,
    writes: Rc<RefCell<usize>>,
    fail_at: Option<usize>,
}

impl Storage for Disk {
    fn load(&mut self, id: &str) -> Result<Option<(Workflow, Revision)>, PilotError> {
        self.inner.borrow_mut().load(id)
    }
    fn save(&mut self, wf: &Workflow, expected: Option<Revision>, changes: &Changes) -> Result<Revision, PilotError> {
        let n = {
            let mut w = self.writes.borrow_mut();
            *w += 1;
            *w
        };
        if self.fail_at == Some(n) {
            return Err(PilotError::Storage { detail: format!("injected: write {n} never reached the disk") });
        }
        self.inner.borrow_mut().save(wf, expected, changes)
    }
    fn list(&mut self, filter: ListFilter) -> Result<Vec<Summary>, PilotError> {
        self.inner.borrow_mut().list(filter)
    }
    fn delete(&mut self, id: &str) -> Result<bool, PilotError> {
        self.inner.borrow_mut().delete(id)
    }
}

fn env(t: &mut i64) -> Env {
    *t += 1_000_000;
    Env::new(Timestamp { unix_micros: *t, utc_offset_secs: 0 }, 7, "agent")
}

struct World {
    /// Every call performed in the target system: (step index, undo).
    performed: Vec<(i64, bool)>,
    clock: i64,
}

enum Stop {
    Settled,
    Died,
}

/// One process: drives `id` from `t` until settled, or dies at write `die_at` as `death`
/// says. Every transition returned Ok is "acknowledged": the store must hold it.
fn process(
    disk: &Disk,
    id: &str,
    world: &mut World,
    die_at: Option<(usize, Death)>,
    resume: bool,
) -> Result<Stop, String> {
    let mut d = Driver::new(disk.clone());
    let opts = Options::host();
    let writes = || *disk.writes.borrow();
    let dies_here = |w: usize, kind: Death| die_at == Some((w, kind));
    // a transition returned Ok is acknowledged: the store must hold exactly that record
    let step = |d: &mut Driver<Disk>, r: Result<Transition, PilotError>| -> Result<Option<Transition>, String> {
        match r {
            Ok(t) => {
                let stored = disk.inner.borrow().get(id).cloned().ok_or("record missing")?;
                let live = d.get(id).map_err(|e| e.to_string())?.clone();
                if serde_json::to_value(Persisted(&stored)).unwrap() != serde_json::to_value(Persisted(&live)).unwrap()
                {
                    return Err("an acknowledged transition is not what the store holds".into());
                }
                Ok(Some(t))
            }
            Err(PilotError::Storage { .. }) => Ok(None), // the injected failure: the process dies
            Err(e) => Err(format!("unexpected refusal: {e}")),
        }
    };
    let mut t = if resume {
        let state = d.get(id).map_err(|e| e.to_string())?.state;
        let e = env(&mut world.clock);
        match state {
            WorkflowState::AwaitingApproval => {
                let r = d.approve(id, "lead", false, &e, &opts).map(|(t, _)| t);
                step(&mut d, r)?
            }
            WorkflowState::Completed | WorkflowState::Failed | WorkflowState::Cancelled => return Ok(Stop::Settled),
            _ => {
                let r = d.run(id, &e, &opts).map(|(t, _)| t);
                step(&mut d, r)?
            }
        }
    } else {
        let e = env(&mut world.clock);
        {
            let r = d.run(id, &e, &opts).map(|(t, _)| t);
            step(&mut d, r)?
        }
    };
    loop {
        let Some(tr) = t.take() else { return Ok(Stop::Died) };
        if dies_here(writes(), Death::DiesAfterWrite) {
            return Ok(Stop::Died);
        }
        let e = env(&mut world.clock);
        t = match &tr.checkpoint {
            Checkpoint::Dispatch(reqs) => {
                let req = reqs[0].clone();
                world.performed.push((req.index, req.undo));
                if dies_here(writes(), Death::DiesAfterPerform) {
                    return Ok(Stop::Died);
                }
                let outcome = Reported::Returned(json!({"ok": true, "step": req.index, "plan_id": "plan-1"}));
                {
                    let r = d.report(id, req.index, outcome, &e, &opts).map(|(t, _)| t);
                    step(&mut d, r)?
                }
            }
            Checkpoint::AwaitingApproval(_) => {
                let r = d.approve(id, "lead", false, &e, &opts).map(|(t, _)| t);
                step(&mut d, r)?
            }
            Checkpoint::Completed | Checkpoint::Failed | Checkpoint::Cancelled | Checkpoint::RolledBack { .. } => {
                return Ok(Stop::Settled)
            }
            other => return Err(format!("unexpected checkpoint {other:?}")),
        };
    }
}

fn templates() -> Vec<(&'static str, Value)> {
    vec![
        ("rolling_restart", json!({"vm_names": ["web-01", "web-02"]})),
        ("clone_and_test", json!({"target_vm": "db-01", "change_spec": {"cpu": 4}, "snapshot_name": "base"})),
        ("incident_response", json!({"alert_entity": "esx-01", "alert_name": "CPU"})),
        (
            "plan_and_approve",
            json!({"operations": [
            {"skill": "aiops", "tool": "power_off_vm", "params": {"vm_name": "a"}},
            {"skill": "aiops", "tool": "power_on_vm", "params": {"vm_name": "a"}}]}),
        ),
        ("capacity_expansion", json!({"vm_name": "app-01", "cpu": 8})),
        ("disaster_recovery", json!({"vm_name": "app-02"})),
        ("compliance_scan", json!({})),
        (
            "network_segment_setup",
            json!({"segment_id": "seg-1", "display_name": "Seg 1", "subnet": "10.0.0.1/24",
            "transport_zone_path": "/infra/tz", "tier1_id": "t1"}),
        ),
        ("storage_expansion", json!({"host_name": "esx-01", "iscsi_address": "10.0.0.9"})),
        ("baseline_capture", json!({})),
    ]
}

fn new_disk(name: &str, args: &Value) -> (Disk, String) {
    let disk =
        Disk { inner: Rc::new(RefCell::new(MemoryStore::new())), writes: Rc::new(RefCell::new(0)), fail_at: None };
    let e = Env::new(Timestamp { unix_micros: 1_795_305_600_000_000, utc_offset_secs: 0 }, 1, "agent");
    let wf = create_from_template(&TemplateSet::builtins(), name, args.as_object().unwrap(), &e).expect("template");
    let id = wf.id.clone();
    Driver::new(disk.clone()).create(wf).expect("created");
    (disk, id)
}

#[test]
fn every_crash_point_of_every_template_recovers() {
    let mut tried = 0;
    for (name, args) in templates() {
        // a clean run counts the writes
        let (disk, id) = new_disk(name, &args);
        let mut world = World { performed: Vec::new(), clock: 1_795_305_600_000_000 };
        assert!(matches!(process(&disk, &id, &mut world, None, false), Ok(Stop::Settled)), "{name}");
        let total = *disk.writes.borrow();
        let final_clean = disk.inner.borrow().get(&id).unwrap().state;
        assert_eq!(final_clean, WorkflowState::Completed, "{name}: the clean run completes");

        for k in 2..=total {
            for death in [Death::WriteFails, Death::DiesAfterWrite, Death::DiesAfterPerform] {
                let ctx = format!("{name}, death {death:?} at write {k} of {total}");
                let (mut disk, id) = new_disk(name, &args);
                if death == Death::WriteFails {
                    disk.fail_at = Some(k);
                }
                let mut world = World { performed: Vec::new(), clock: 1_795_305_600_000_000 };
                let first =
                    process(&disk, &id, &mut world, Some((k, death)), false).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                if matches!(first, Stop::Settled) {
                    continue; // this kind of death has no point at write k (e.g. no dispatch there)
                }
                tried += 1;
                let stored_before = disk.inner.borrow().get(&id).cloned().unwrap();
                let in_doubt: Vec<i64> =
                    stored_before.steps.iter().filter(|s| s.status_is("running")).map(|s| s.index).collect();
                // a new process, over the same disk (writes work again)
                disk.fail_at = None;
                let second = process(&disk, &id, &mut world, None, true).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                assert!(matches!(second, Stop::Settled), "{ctx}: did not settle");
                let wf = disk.inner.borrow().get(&id).cloned().unwrap();
                // never performed twice
                let mut seen = world.performed.clone();
                seen.sort();
                let before = seen.len();
                seen.dedup();
                assert_eq!(seen.len(), before, "{ctx}: a call was performed twice: {:?}", world.performed);
                // in doubt means interrupted, never sent again
                for i in &in_doubt {
                    let s = wf.steps.iter().find(|s| s.index == *i).unwrap();
                    assert!(s.status_is("interrupted"), "{ctx}: step {i} was in doubt, is {:?}", s.status);
                }
                // settled, and never left running
                assert!(
                    matches!(wf.state, WorkflowState::Completed | WorkflowState::Failed | WorkflowState::Cancelled),
                    "{ctx}: ended {:?}",
                    wf.state
                );
                assert!(wf.steps.iter().all(|s| !s.status_is("running")), "{ctx}: a step left running");
                // every performed call is accounted for: success, or interrupted (unknown effect)
                for (i, undo) in &world.performed {
                    if !undo {
                        let s = wf.steps.iter().find(|s| s.index == *i).unwrap();
                        assert!(
                            s.status_is("success") || s.status_is("interrupted"),
                            "{ctx}: performed step {i} is {:?}",
                            s.status
                        );
                    }
                }
            }
        }
    }
    eprintln!("crash points tried: {tried}");
    assert!(tried >= 100, "only {tried} crash points");
}
