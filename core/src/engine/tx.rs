//! A transition in progress: the record, the host's environment, and what changed.

use crate::env::Env;
use crate::record::{Changes, Workflow, WorkflowStep};

pub(crate) struct Tx<'a> {
    pub wf: &'a mut Workflow,
    pub env: &'a Env,
    pub changes: Changes,
    now: Option<String>,
}

impl<'a> Tx<'a> {
    pub(super) fn new(wf: &'a mut Workflow, env: &'a Env) -> Self {
        let changes = Changes::since(wf.audit_log.len());
        Tx { wf, env, changes, now: None }
    }

    /// The host's time as ISO-UTC (formatted once per transition).
    pub(super) fn now(&mut self) -> String {
        self.now.get_or_insert_with(|| self.env.iso_now()).clone()
    }

    pub(super) fn log(&mut self, action: &str, detail: impl Into<String>) {
        let ts = self.now();
        self.wf.audit_log.push(crate::record::AuditEntry::new(ts.clone(), action, detail));
        self.wf.updated_at = ts;
    }

    /// A step to change; records that it changed.
    pub(super) fn step(&mut self, pos: usize) -> &mut WorkflowStep {
        self.changes.step(pos);
        &mut self.wf.steps[pos]
    }
}

/// The transition a finished `tx` amounts to.
pub(crate) fn finish(tx: Tx, checkpoint: super::Checkpoint) -> super::Transition {
    super::Transition { checkpoint, changes: tx.changes, error: None }
}
