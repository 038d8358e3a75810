//! The storage contract through the driver and the in-memory store: write-ahead, revisions
//! and conflicts, deltas that keep the stored copy identical to the live one, redaction.

use pilot_core::engine::{self, Options, Reported};
use pilot_core::record::{Changes, Persisted};
use pilot_core::storage::{Driver, ListFilter, MemoryStore, Storage};
use pilot_core::{Checkpoint, Env, PilotError, Timestamp, Workflow, WorkflowState};
use serde_json::{json, Value};

mod common;
use common::{env, workflow};

/// What a store without secrets holds: the live record, redacted.
fn as_stored(wf: &Workflow) -> Value {
    serde_json::to_value(Persisted(wf)).unwrap()
}

#[test]
fn write_ahead_then_report() {
    let mut d = Driver::new(MemoryStore::new());
    let id = d.create(workflow(3, Some(1))).unwrap().id.clone();
    let (t, _) = d.run(&id, &env(1), &Options::host()).unwrap();
    assert_eq!(t.requests().len(), 1);
    // the store already shows the step running before the host performs it
    let stored = d.store().get(&id).unwrap();
    assert!(stored.steps[0].status_is("running"));
    assert_eq!(stored.state, WorkflowState::Running);
    // and the secret reached the dispatch but not the store
    assert_eq!(t.requests()[0].params["password"], "pw");
    assert_eq!(stored.steps[0].params["password"], "***");
    let (t, wf) = d.report(&id, 0, Reported::Returned(json!({"ok": true})), &env(2), &Options::host()).unwrap();
    assert_eq!(t.checkpoint, Checkpoint::AwaitingApproval(1));
    assert_eq!(wf.state, WorkflowState::AwaitingApproval);
    assert_eq!(d.store().get(&id).unwrap().steps[0].status.as_str(), Some("success"));
}

#[test]
fn report_for_a_step_not_running_is_refused_and_nothing_saved() {
    let mut d = Driver::new(MemoryStore::new());
    let id = d.create(workflow(2, None)).unwrap().id.clone();
    let rev = d.store().revision(&id).unwrap();
    let err = d.report(&id, 0, Reported::Returned(json!({})), &env(1), &Options::host()).unwrap_err();
    assert_eq!(err.code(), "report_not_running");
    assert_eq!(d.store().revision(&id), Some(rev));
}

#[test]
fn two_drivers_cannot_both_apply_one_approval() {
    let mut a = Driver::new(MemoryStore::new());
    let id = a.create(workflow(3, Some(1))).unwrap().id.clone();
    a.run(&id, &env(1), &Options::agent()).unwrap();
    // the second driver shares the store and reads the same revision
    let shared = a.store().clone();
    let mut b = Driver::new(shared);
    b.get(&id).unwrap();
    // a approves first; b's copy is now stale
    let (ta, _) = a.approve(&id, "alice", true, &env(2), &Options::agent()).unwrap();
    assert_eq!(ta.checkpoint, Checkpoint::DispatchRequired);
    // hand b the store as it is now: b checks the stored revision before acting, sees
    // alice's approval, and refuses cleanly instead of acting on its stale copy
    *b.store_mut() = a.store().clone();
    let err = b.approve(&id, "bob", true, &env(3), &Options::agent()).unwrap_err();
    assert_eq!(err.code(), "not_awaiting_approval");
    assert_eq!(b.store().get(&id).unwrap().approved_by, "alice");
}

/// A store where another writer saves between a driver's revision check and its own save.
struct Racing {
    inner: MemoryStore,
    other_writer: Option<Workflow>,
}

impl Storage for Racing {
    fn load(&mut self, id: &str) -> Result<Option<(Workflow, u64)>, PilotError> {
        self.inner.load(id)
    }
    fn save(&mut self, wf: &Workflow, expected: Option<u64>, changes: &Changes) -> Result<u64, PilotError> {
        if let Some(other) = self.other_writer.take() {
            let rev = self.inner.revision(&other.id);
            self.inner.save(&other, rev, &Changes::whole())?;
        }
        self.inner.save(wf, expected, changes)
    }
    fn list(&mut self, filter: ListFilter) -> Result<Vec<pilot_core::storage::Summary>, PilotError> {
        self.inner.list(filter)
    }
    fn delete(&mut self, id: &str) -> Result<bool, PilotError> {
        self.inner.delete(id)
    }
}

#[test]
fn a_save_racing_another_writer_is_a_conflict_and_loses_nothing() {
    let mut a = Driver::new(MemoryStore::new());
    let id = a.create(workflow(3, Some(1))).unwrap().id.clone();
    a.run(&id, &env(1), &Options::agent()).unwrap();
    // alice's approval lands between bob's revision check and bob's save
    let mut alice = a.get(&id).unwrap().clone();
    pilot_core::engine::approve(&mut alice, &env(2), "alice", true, &Options::agent()).unwrap();
    let mut b = Driver::new(Racing { inner: a.store().clone(), other_writer: Some(alice) });
    let err = b.approve(&id, "bob", true, &env(3), &Options::agent()).unwrap_err();
    assert_eq!(err.code(), "conflict", "{err}");
    assert!(err.to_string().contains("changed in the store"));
    assert_eq!(b.store().inner.get(&id).unwrap().approved_by, "alice", "nothing was lost");
    // b re-reads and gets a clean refusal instead
    let err = b.approve(&id, "bob", true, &env(4), &Options::agent()).unwrap_err();
    assert_eq!(err.code(), "not_awaiting_approval");
}

#[test]
fn create_twice_and_save_deleted_are_errors() {
    let mut store = MemoryStore::new();
    let wf = workflow(1, None);
    store.save(&wf, None, &Changes::whole()).unwrap();
    assert!(matches!(store.save(&wf, None, &Changes::whole()), Err(PilotError::AlreadyExists { .. })));
    assert!(store.delete(&wf.id).unwrap());
    assert!(!store.delete(&wf.id).unwrap());
    assert!(matches!(store.save(&wf, Some(1), &Changes::whole()), Err(PilotError::Conflict { .. })));
    let mut d = Driver::new(store);
    assert_eq!(d.run("wf-nope", &env(1), &Options::agent()).unwrap_err().code(), "not_found");
}

#[test]
fn deltas_keep_the_stored_copy_identical_through_a_lifecycle() {
    for (opts, undoes) in [(Options::host(), true), (Options::agent(), false)] {
        let mut d = Driver::new(MemoryStore::new());
        let mut wf = workflow(12, Some(5));
        wf.steps[7].rollback_tool = "power_off_vm".into();
        wf.steps[7].rollback_params =
            json!({"vm_name": "__from_step_7__:vm", "token": "t"}).as_object().unwrap().clone();
        let id = d.create(wf).unwrap().id.clone();
        let mut t = 1;
        let check = |d: &mut Driver<MemoryStore>| {
            let live = as_stored(d.get(&id).unwrap());
            assert_eq!(serde_json::to_value(Persisted(d.store().get(&id).unwrap())).unwrap(), live);
        };
        let (mut tr, _) = d.run(&id, &env(t), &opts).unwrap();
        check(&mut d);
        loop {
            t += 1;
            tr = match tr.checkpoint.clone() {
                Checkpoint::Dispatch(reqs) => {
                    let r = &reqs[0];
                    let result = if r.undo {
                        json!({"off": true})
                    } else if r.index == 10 {
                        json!({"error": "host down"})
                    } else {
                        json!({"vm": format!("vm-{}", r.index)})
                    };
                    d.report(&id, r.index, Reported::Returned(result), &env(t), &opts).unwrap().0
                }
                Checkpoint::AwaitingApproval(_) => d.approve(&id, "lead", true, &env(t), &opts).unwrap().0,
                Checkpoint::Failed | Checkpoint::DispatchRequired => {
                    let (tr, _) = d.rollback(&id, &env(t), &opts).unwrap();
                    tr
                }
                Checkpoint::RolledBack { .. } => break,
                other => panic!("{other:?}"),
            };
            check(&mut d);
        }
        let wf = d.get(&id).unwrap();
        assert_eq!(wf.state, WorkflowState::Failed);
        // agent mode ran nothing, so there is nothing to list
        assert_eq!(!wf.rollback_results.is_empty(), undoes);
    }
}

#[test]
fn listing_orders_newest_first_and_filters_active() {
    let mut store = MemoryStore::new();
    for (i, state) in ["pending", "completed", "awaiting_approval", "cancelled", "failed", "draft"].iter().enumerate() {
        let mut wf = workflow(1, None);
        wf.id = format!("wf-{i}");
        wf.created_at = format!("2026-11-2{i}T00:00:00+00:00");
        wf.state = WorkflowState::ALL.into_iter().find(|s| s.as_str() == *state).unwrap();
        store.save(&wf, None, &Changes::whole()).unwrap();
    }
    let active: Vec<String> = store.list(ListFilter::Active).unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(active, ["wf-5", "wf-2", "wf-0"]);
    let all = store.list(ListFilter::All { limit: Some(2) }).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, "wf-5");
    assert_eq!(
        all[0].to_value(),
        json!({"id": "wf-5", "type": "t", "state": "draft", "created_at": "2026-11-25T00:00:00+00:00", "updated_at": all[0].updated_at})
    );
}

#[test]
fn ids_and_timestamps_come_from_the_host() {
    let e = Env::new(Timestamp { unix_micros: 1_795_305_600_000_000, utc_offset_secs: -3600 }, 0xabcdef, "u");
    let wf = engine::new_custom_workflow(&e, "t", "d", vec![]);
    assert_eq!(wf.id, "wf-20261121-230000-abcdef");
    assert_eq!(wf.created_at, "2026-11-22T00:00:00+00:00");
    assert_eq!(wf.created_by, "u");
    let again = engine::new_custom_workflow(&e, "t", "d", vec![]);
    assert_eq!(wf, again, "same inputs, same record");
}

#[test]
fn edits_go_through_the_revision_check() {
    let mut d = Driver::new(MemoryStore::new());
    let id = d.create(engine::design_draft(&env(0), "goal", "")).unwrap().id.clone();
    let specs = [json!({"skill": "monitor", "tool": "get_alarms", "params": {}})];
    let wf = d.update(&id, |wf| engine::update_draft(wf, &env(1), "", "", Some(&specs))).unwrap();
    assert_eq!(wf.steps.len(), 1);
    assert_eq!(d.store().get(&id).unwrap().steps.len(), 1);
    let err = d.update(&id, |wf| engine::update_draft(wf, &env(2), "", "", Some(&[json!("nope")]))).unwrap_err();
    assert_eq!(err.code(), "invalid_argument");
    assert_eq!(d.store().get(&id).unwrap().steps.len(), 1);
}
