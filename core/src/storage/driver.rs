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

pub struct Driver<S: Storage> {
    store: S,
    copies: HashMap<String, (Workflow, Revision)>,
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

    /// A working copy that is the stored revision: another driver (another process, an
    /// approval desk) may have saved since this copy was read, and then the store's is used.
    fn ensure(&mut self, id: &str) -> Result<(), PilotError> {
        if let Some((_, rev)) = self.copies.get(id) {
            if self.store.revision(id)? != Some(*rev) {
                self.copies.remove(id);
            }
        }
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
        self.commit(id, transition, |t| &t.changes)
    }

    /// Edits the working copy outside the state machine (a draft's steps, an audit entry an
    /// operation adds) and saves it: `edit` returns what it changed, or refuses without
    /// changing anything.
    pub fn update<F>(&mut self, id: &str, edit: F) -> Result<&Workflow, PilotError>
    where
        F: FnOnce(&mut Workflow) -> Result<Changes, PilotError>,
    {
        Ok(self.commit(id, edit, |c| c)?.1)
    }

    fn commit<R, F>(
        &mut self,
        id: &str,
        change: F,
        changes_of: fn(&R) -> &Changes,
    ) -> Result<(R, &Workflow), PilotError>
    where
        F: FnOnce(&mut Workflow) -> Result<R, PilotError>,
    {
        self.ensure(id)?;
        let (wf, rev) = self.copies.get_mut(id).ok_or_else(|| PilotError::NotFound { id: id.into() })?;
        let out = match change(wf) {
            Ok(out) => out,
            Err(e) => {
                // Changes refuse before changing anything; dropping the copy all the same
                // means a refusal can never leave an unsaved change behind.
                self.copies.remove(id);
                return Err(e);
            }
        };
        match self.store.save(wf, Some(*rev), changes_of(&out)) {
            Ok(new_rev) => {
                *rev = new_rev;
                Ok((out, &self.copies[id].0))
            }
            Err(e) => {
                self.copies.remove(id);
                Err(e)
            }
        }
    }

    // The engine's transitions, each applied and saved (the operations layer adds the tools'
    // checks on top: `crate::ops`).

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

    pub fn rollback(&mut self, id: &str, env: &Env, opts: &Options) -> Result<(Transition, &Workflow), PilotError> {
        self.apply(id, |wf| engine::rollback(wf, env, opts))
    }

    pub fn cancel(&mut self, id: &str, reason: &str, env: &Env) -> Result<(Transition, &Workflow), PilotError> {
        self.apply(id, |wf| engine::cancel(wf, env, reason))
    }

    pub fn list(&mut self, filter: ListFilter) -> Result<Vec<Summary>, PilotError> {
        self.store.list(filter)
    }

    pub fn delete(&mut self, id: &str) -> Result<bool, PilotError> {
        self.copies.remove(id);
        self.store.delete(id)
    }
}
