//! A driver over any [`Storage`]: it keeps a working copy of each record it touched with
//! that copy's revision, applies a transition to it, and saves before returning — so a
//! step is stored `running` before its dispatch request reaches the host (write-ahead).
//!
//! Optimistic revisions make a shared store safe: when another driver saved the record
//! since this copy was read, the save is refused with [`PilotError::Conflict`], the copy is
//! dropped (the next call reads the store again) and the transition's checkpoint is never
//! returned, so nothing is dispatched on a stale copy.

use std::collections::HashMap;

use super::{ListFilter, Revision, Storage, Summary};
use crate::engine::{self, Options, Reported, Transition};
use crate::env::Env;
use crate::error::PilotError;
use crate::record::{Changes, Workflow};
use crate::safety::blast;
use crate::safety::roles::ApproveMode;
use crate::service::{self, RunCheck};
use serde_json::Value;

pub struct Driver<S: Storage> {
    store: S,
    copies: HashMap<String, (Workflow, Revision)>,
}

/// Who approves, and how ([`Driver::approve_as`]).
#[derive(Debug, Clone, Copy)]
pub struct Approval<'a> {
    pub approver: &'a str,
    pub mode: ApproveMode,
    pub acknowledge_not_executed: bool,
    pub hold: bool,
}

impl<S: Storage> Driver<S> {
    pub fn new(store: S) -> Self {
        Driver { store, copies: HashMap::new() }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    pub fn into_store(self) -> S {
        self.store
    }

    /// Stores a new record (its id must be new) and keeps it as the working copy.
    pub fn create(&mut self, wf: Workflow) -> Result<&Workflow, PilotError> {
        let rev = self.store.save(&wf, None, &Changes::whole())?;
        let id = wf.id.clone();
        self.copies.insert(id.clone(), (wf, rev));
        Ok(&self.copies[&id].0)
    }

    /// Stores `wf` whether or not its id is known (an import): over the stored revision when
    /// there is one, as new otherwise; the working copy becomes `wf`.
    pub fn put(&mut self, wf: Workflow) -> Result<&Workflow, PilotError> {
        self.copies.remove(&wf.id);
        let current = self.store.load(&wf.id)?.map(|(_, rev)| rev);
        let rev = self.store.save(&wf, current, &Changes::whole())?;
        let id = wf.id.clone();
        self.copies.insert(id.clone(), (wf, rev));
        Ok(&self.copies[&id].0)
    }

    /// The working copy of `id`, read from the store if this driver has none.
    pub fn get(&mut self, id: &str) -> Result<&Workflow, PilotError> {
        self.ensure(id)?;
        Ok(&self.copies[id].0)
    }

    /// The revision of the working copy.
    pub fn revision(&mut self, id: &str) -> Result<Revision, PilotError> {
        self.ensure(id)?;
        Ok(self.copies[id].1)
    }

    /// Drops the working copy; the next call reads the store.
    pub fn forget(&mut self, id: &str) {
        self.copies.remove(id);
    }

    fn ensure(&mut self, id: &str) -> Result<(), PilotError> {
        if !self.copies.contains_key(id) {
            let (wf, rev) = self.store.load(id)?.ok_or_else(|| PilotError::NotFound { id: id.into() })?;
            self.copies.insert(id.to_string(), (wf, rev));
        }
        Ok(())
    }

    /// Applies a transition to the working copy and saves it. A refusal changes nothing; a
    /// failed save drops the copy and returns the store's error instead of the checkpoint.
    pub fn apply<F>(&mut self, id: &str, transition: F) -> Result<(Transition, &Workflow), PilotError>
    where
        F: FnOnce(&mut Workflow) -> Result<Transition, PilotError>,
    {
        self.ensure(id)?;
        let (wf, rev) = self.copies.get_mut(id).ok_or_else(|| PilotError::NotFound { id: id.into() })?;
        let t = match transition(wf) {
            Ok(t) => t,
            Err(e) => {
                // Transitions refuse before changing anything; dropping the copy all the
                // same means a refusal can never leave an unsaved change behind.
                self.copies.remove(id);
                return Err(e);
            }
        };
        match self.store.save(wf, Some(*rev), &t.changes) {
            Ok(new_rev) => {
                *rev = new_rev;
                Ok((t, &self.copies[id].0))
            }
            Err(e) => {
                self.copies.remove(id);
                Err(e)
            }
        }
    }

    pub fn run(&mut self, id: &str, env: &Env, opts: &Options) -> Result<(Transition, &Workflow), PilotError> {
        self.apply(id, |wf| engine::run(wf, env, opts))
    }

    pub fn report(
        &mut self,
        id: &str,
        index: i64,
        reported: Reported,
        env: &Env,
        opts: &Options,
    ) -> Result<(Transition, &Workflow), PilotError> {
        self.apply(id, |wf| engine::report(wf, env, index, reported, opts))
    }

    pub fn approve(
        &mut self,
        id: &str,
        approver: &str,
        acknowledge_not_executed: bool,
        env: &Env,
        opts: &Options,
    ) -> Result<(Transition, &Workflow), PilotError> {
        self.apply(id, |wf| engine::approve(wf, env, approver, acknowledge_not_executed, opts))
    }

    /// An approval as the record API gives it ([`crate::host::approve`]), on a record that
    /// is not damaged: refused ([`PilotError::ApprovalRefused`]) when `approval.approver`,
    /// approving with `approval.mode`, may not approve this workflow; with `approval.hold`
    /// it stops at the approval, for an approver apart from the process that performs the
    /// steps.
    pub fn approve_as(
        &mut self,
        id: &str,
        approval: Approval<'_>,
        env: &Env,
        opts: &Options,
    ) -> Result<(Transition, &Workflow), PilotError> {
        let Approval { approver, mode, acknowledge_not_executed, hold } = approval;
        self.apply(id, |wf| {
            if let Some(payload) = service::unknown_status_refusal(wf, "approve") {
                return Err(PilotError::RunRefused { payload });
            }
            crate::host::approve(wf, env, approver, acknowledge_not_executed, Some(mode), hold, opts)
        })
    }

    /// Rejects the pending gate: the workflow is cancelled, the audit log naming `rejecter`
    /// and `reason`. Only a workflow awaiting approval can be rejected, and a rejecter must be
    /// named. Never refused by the blast radius: stopping at a gate performs nothing; the
    /// radius returned says what earlier steps left in place.
    pub fn reject(
        &mut self,
        id: &str,
        rejecter: &str,
        reason: &str,
        env: &Env,
    ) -> Result<(Transition, &Workflow, Value), PilotError> {
        let wf = self.get(id)?;
        let state = wf.state.as_str().to_string();
        if wf.state != crate::record::WorkflowState::AwaitingApproval {
            return Err(PilotError::NotAwaitingApproval { id: id.into(), state });
        }
        if rejecter.trim().is_empty() {
            return Err(PilotError::ApproverRequired { id: id.into(), state });
        }
        let radius = service::cancel_preview(wf, true).get("blast_radius").cloned().unwrap_or(Value::Null);
        let why = if reason.trim().is_empty() {
            format!("approval rejected by {rejecter}")
        } else {
            format!("approval rejected by {rejecter}: {reason}")
        };
        let (t, wf) = self.apply(id, |wf| engine::cancel(wf, env, &why))?;
        Ok((t, wf, radius))
    }

    /// Edits a record outside the run loop (a draft's steps, its confirmation): `edit`
    /// returns what it changed, or refuses without changing anything.
    pub fn edit<F>(&mut self, id: &str, edit: F) -> Result<&Workflow, PilotError>
    where
        F: FnOnce(&mut Workflow) -> Result<Changes, PilotError>,
    {
        let (_, wf) = self.apply(id, |wf| {
            let changes = edit(wf)?;
            Ok(Transition { checkpoint: engine::Checkpoint::Completed, changes, error: None })
        })?;
        Ok(wf)
    }

    pub fn rollback(&mut self, id: &str, env: &Env, opts: &Options) -> Result<(Transition, &Workflow), PilotError> {
        self.apply(id, |wf| engine::rollback(wf, env, opts))
    }

    pub fn cancel(&mut self, id: &str, reason: &str, env: &Env) -> Result<(Transition, &Workflow), PilotError> {
        self.apply(id, |wf| engine::cancel(wf, env, reason))
    }

    /// run_workflow as the MCP tool does it: its checks first (refusal: [`PilotError::RunRefused`]
    /// with upstream's answer; a forced run is written to the audit log), then the run.
    pub fn run_checked(
        &mut self,
        id: &str,
        force: bool,
        env: &Env,
        opts: &Options,
    ) -> Result<(Transition, &Workflow), PilotError> {
        self.apply(id, |wf| {
            let audit_before = wf.audit_log.len();
            if let RunCheck::Refused(payload) = service::run_check(wf, force, env) {
                return Err(PilotError::RunRefused { payload });
            }
            let mut t = engine::run(wf, env, opts)?;
            t.changes.audit_from = t.changes.audit_from.min(audit_before);
            Ok(t)
        })
    }

    /// A confirmed rollback: refused ([`PilotError::RadiusRefused`]) while its blast radius has
    /// blockers or unacknowledged unmeasured effects; else started. Returns the radius too.
    pub fn rollback_checked(
        &mut self,
        id: &str,
        acknowledge_unknown_effects: bool,
        env: &Env,
        opts: &Options,
    ) -> Result<(Transition, &Workflow, Value), PilotError> {
        let radius = self.checked_radius(id, "roll back", acknowledge_unknown_effects)?;
        let (t, wf) = self.apply(id, |wf| engine::rollback(wf, env, opts))?;
        Ok((t, wf, radius))
    }

    /// A confirmed cancel, refused like [`Driver::rollback_checked`].
    pub fn cancel_checked(
        &mut self,
        id: &str,
        reason: &str,
        acknowledge_unknown_effects: bool,
        env: &Env,
    ) -> Result<(Transition, &Workflow, Value), PilotError> {
        let radius = self.checked_radius(id, "cancel", acknowledge_unknown_effects)?;
        let (t, wf) = self.apply(id, |wf| engine::cancel(wf, env, reason))?;
        Ok((t, wf, radius))
    }

    fn checked_radius(&mut self, id: &str, verb: &str, acknowledged: bool) -> Result<Value, PilotError> {
        let wf = self.get(id)?;
        let preview = if verb == "cancel" {
            service::cancel_preview(wf, acknowledged)
        } else {
            service::rollback_preview(wf, acknowledged)
        };
        let radius = preview.get("blast_radius").cloned().unwrap_or(Value::Null);
        match blast::radius_refusal(verb, wf, &radius) {
            Some(payload) => Err(PilotError::RadiusRefused { payload }),
            None => Ok(radius),
        }
    }

    pub fn list(&mut self, filter: ListFilter) -> Result<Vec<Summary>, PilotError> {
        self.store.list(filter)
    }

    pub fn delete(&mut self, id: &str) -> Result<bool, PilotError> {
        self.copies.remove(id);
        self.store.delete(id)
    }
}
