//! An in-memory store: a map of records with revisions. Saves apply the transition's
//! changes, so a step costs the same whatever the workflow's length.

use std::collections::HashMap;

use super::{apply_listing, ListFilter, Revision, Storage, Summary};
use crate::error::PilotError;
use crate::record::{Changes, Workflow};

#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    records: HashMap<String, (Workflow, Revision)>,
    /// Redact secrets on save, as a durable store would (on by default).
    keep_secrets: bool,
}

impl MemoryStore {
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// A store that keeps records exactly as given, secrets included (a process-local cache).
    pub fn keeping_secrets() -> Self {
        MemoryStore { keep_secrets: true, ..Default::default() }
    }

    /// The stored record, without copying it.
    pub fn get(&self, id: &str) -> Option<&Workflow> {
        self.records.get(id).map(|(wf, _)| wf)
    }

    pub fn revision(&self, id: &str) -> Option<Revision> {
        self.records.get(id).map(|(_, rev)| *rev)
    }

    /// Every stored record (as stored: secrets masked unless [`MemoryStore::keeping_secrets`]).
    pub fn records(&self) -> impl Iterator<Item = &Workflow> {
        self.records.values().map(|(wf, _)| wf)
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    fn stored_copy(&self, wf: &Workflow) -> Workflow {
        if self.keep_secrets {
            wf.clone()
        } else {
            redacted(wf)
        }
    }
}

/// A copy of `wf` as storage keeps it.
fn redacted(wf: &Workflow) -> Workflow {
    let mut copy = wf.clone();
    redact_in_place(&mut copy, None);
    copy
}

fn redact_map(m: &mut serde_json::Map<String, serde_json::Value>) {
    let redacted = crate::record::redact_value(&serde_json::Value::Object(std::mem::take(m)));
    if let serde_json::Value::Object(r) = redacted {
        *m = r;
    }
}

fn redact_step(step: &mut crate::record::WorkflowStep) {
    redact_map(&mut step.params);
    redact_map(&mut step.rollback_params);
    step.result = crate::record::redact_value(&step.result);
    if let crate::record::StepStatus::Unrecognised(v) = &mut step.status {
        *v = crate::record::redact_value(v);
    }
}

/// Redacts the header and either every step or only the listed ones.
fn redact_in_place(wf: &mut Workflow, only: Option<&[usize]>) {
    redact_map(&mut wf.params);
    redact_map(&mut wf.diff_report);
    for r in &mut wf.rollback_results {
        *r = crate::record::redact_value(r);
    }
    match only {
        None => wf.steps.iter_mut().for_each(redact_step),
        Some(positions) => {
            for &p in positions {
                if let Some(step) = wf.steps.get_mut(p) {
                    redact_step(step);
                }
            }
        }
    }
}

impl Storage for MemoryStore {
    fn revision(&mut self, id: &str) -> Result<Option<Revision>, PilotError> {
        Ok(MemoryStore::revision(self, id))
    }

    fn load(&mut self, id: &str) -> Result<Option<(Workflow, Revision)>, PilotError> {
        Ok(self.records.get(id).cloned())
    }

    fn save(&mut self, wf: &Workflow, expected: Option<Revision>, changes: &Changes) -> Result<Revision, PilotError> {
        let keep = self.keep_secrets;
        match (self.records.get_mut(&wf.id), expected) {
            (None, None) => {
                let copy = self.stored_copy(wf);
                self.records.insert(wf.id.clone(), (copy, 1));
                Ok(1)
            }
            (Some(_), None) => Err(PilotError::AlreadyExists { id: wf.id.clone() }),
            (None, Some(rev)) => Err(PilotError::Conflict {
                id: wf.id.clone(),
                expected: rev.to_string(),
                found: "none (the record was deleted)".into(),
            }),
            (Some((stored, rev)), Some(want)) if *rev != want => {
                Err(PilotError::Conflict { id: wf.id.clone(), expected: want.to_string(), found: rev.to_string() })
            }
            (Some((stored, rev)), Some(_)) => {
                if changes.all || stored.steps.len() != wf.steps.len() || changes.audit_from > wf.audit_log.len() {
                    *stored = wf.clone();
                    if !keep {
                        redact_in_place(stored, None);
                    }
                } else {
                    // header fields are small: copy them every time
                    stored.workflow_type.clone_from(&wf.workflow_type);
                    stored.state = wf.state;
                    stored.params.clone_from(&wf.params);
                    stored.created_at.clone_from(&wf.created_at);
                    stored.updated_at.clone_from(&wf.updated_at);
                    stored.approved_by.clone_from(&wf.approved_by);
                    stored.diff_report.clone_from(&wf.diff_report);
                    stored.blocked_reason.clone_from(&wf.blocked_reason);
                    stored.created_by.clone_from(&wf.created_by);
                    stored.authors.clone_from(&wf.authors);
                    stored.audit_log.truncate(changes.audit_from);
                    stored.audit_log.extend_from_slice(&wf.audit_log[changes.audit_from..]);
                    if changes.rollback_results {
                        stored.rollback_results.clone_from(&wf.rollback_results);
                    }
                    for &p in &changes.steps {
                        stored.steps[p] = wf.steps[p].clone();
                    }
                    if !keep {
                        redact_map(&mut stored.params);
                        redact_map(&mut stored.diff_report);
                        if changes.rollback_results {
                            for r in &mut stored.rollback_results {
                                *r = crate::record::redact_value(r);
                            }
                        }
                        for &p in &changes.steps {
                            redact_step(&mut stored.steps[p]);
                        }
                    }
                }
                *rev += 1;
                Ok(*rev)
            }
        }
    }

    fn list(&mut self, filter: ListFilter) -> Result<Vec<Summary>, PilotError> {
        let rows = self.records.values().map(|(wf, _)| Summary::of(wf)).collect();
        Ok(apply_listing(rows, filter))
    }

    fn delete(&mut self, id: &str) -> Result<bool, PilotError> {
        Ok(self.records.remove(id).is_some())
    }
}
