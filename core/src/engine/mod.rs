//! The workflow state machine (spec §2). Every transition is a function of (record, command,
//! environment) that changes the record in place and returns a [`Transition`]: the
//! checkpoint reached and what changed. Nothing here performs I/O; the host persists the
//! record before it acts on the checkpoint (write-ahead: a step is `running` in storage
//! before its dispatch leaves the host).

mod approve;
mod cancel;
mod classify;
mod drafts;
mod refs;
mod rollback;
mod run;
pub(crate) mod text;
mod tx;

use serde_json::{Map, Value};

pub use approve::{approve, approve_and_hold};
pub use cancel::cancel;
pub use classify::{classify, returned_failure, Reported, ToolResult, Verdict};
pub use drafts::{confirm_draft, design_draft, new_custom_workflow, steps_from_specs, update_draft};
pub use refs::{referenced_indices, resolve_params};
pub use rollback::rollback;
pub use run::{needs_recovery, recover, report, run};

use crate::record::{status, Changes, Workflow, WorkflowStep};

/// Who performs the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No dispatcher (upstream's default): steps are recorded `not_executed` and handed to
    /// the calling agent in `pending_dispatch`; the run ends `dispatch_required`.
    Agent,
    /// The host performs each step the core returns and reports its raw result.
    /// With `parallel_groups`, the contiguous pending members of a parallel group are
    /// returned together; without, one step at a time (upstream's sequential order).
    Host { parallel_groups: bool },
}

/// A host check run before a dispatcher starts (upstream's `preflight`): given the steps
/// still to run, an `Err(reason)` refuses the run before anything changes.
pub type Preflight<'a> = &'a dyn Fn(&[&WorkflowStep]) -> Result<(), String>;

/// How a transition should treat steps.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    pub mode: Mode,
    pub preflight: Option<Preflight<'a>>,
    /// Host mode, and the host that handed out the steps still `running` is alive (it will
    /// report them): a repeated run returns their dispatch requests again, unchanged. Off
    /// (upstream's semantics, and a host that states it is recovering): a `running` step was
    /// left by a process that died, and is marked `interrupted`.
    pub live_host: bool,
}

impl Options<'_> {
    pub fn agent() -> Self {
        Options { mode: Mode::Agent, preflight: None, live_host: false }
    }
    pub fn host() -> Self {
        Options { mode: Mode::Host { parallel_groups: false }, preflight: None, live_host: false }
    }
    pub fn host_parallel() -> Self {
        Options { mode: Mode::Host { parallel_groups: true }, preflight: None, live_host: false }
    }
    /// The same options for a live host ([`Options::live_host`]).
    pub fn live(self) -> Self {
        Options { live_host: true, ..self }
    }
    pub(crate) fn has_dispatcher(&self) -> bool {
        matches!(self.mode, Mode::Host { .. })
    }
}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("mode", &self.mode)
            .field("preflight", &self.preflight.is_some())
            .field("live_host", &self.live_host)
            .finish()
    }
}

/// One call the host must make, then report with [`report`].
#[derive(Debug, Clone, PartialEq)]
pub struct DispatchRequest {
    pub index: i64,
    pub skill: String,
    /// The tool to call: the step's tool, or its rollback tool for an undo.
    pub tool: String,
    /// Params with step references resolved.
    pub params: Map<String, Value>,
    pub group_id: String,
    /// True when this call undoes the step (rollback).
    pub undo: bool,
}

impl DispatchRequest {
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("index".into(), Value::from(self.index));
        m.insert("skill".into(), Value::from(self.skill.clone()));
        m.insert("tool".into(), Value::from(self.tool.clone()));
        m.insert("params".into(), Value::Object(self.params.clone()));
        m.insert("group_id".into(), Value::from(self.group_id.clone()));
        m.insert("undo".into(), Value::from(self.undo));
        Value::Object(m)
    }
}

/// Where a transition stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Checkpoint {
    /// Host mode: perform these calls (already `running` in the record) and report each.
    Dispatch(Vec<DispatchRequest>),
    /// Host mode: results are still outstanding for these steps.
    Waiting(Vec<i64>),
    /// Paused before the approval gate at this step index.
    AwaitingApproval(i64),
    /// Agent mode: steps were handed out in `pending_dispatch`.
    DispatchRequired,
    Completed,
    Failed,
    Cancelled,
    /// [`approve_and_hold`]: the gate is approved and the workflow is `pending` again,
    /// waiting for a run by whoever performs its steps.
    Approved,
    /// A rollback finished; `incomplete` when an undo failed or its effect is unknown.
    RolledBack {
        incomplete: bool,
    },
}

impl Checkpoint {
    /// The `outcome` key of the upstream response (a clean rollback has none).
    pub fn outcome(&self) -> Option<&'static str> {
        Some(match self {
            Checkpoint::Dispatch(_) => "dispatch",
            Checkpoint::Waiting(_) => "waiting",
            Checkpoint::AwaitingApproval(_) => "awaiting_approval",
            Checkpoint::DispatchRequired => "dispatch_required",
            Checkpoint::Completed => "completed",
            Checkpoint::Failed => "failed",
            Checkpoint::Cancelled => "cancelled",
            Checkpoint::Approved => "approved",
            Checkpoint::RolledBack { incomplete: true } => "failed",
            Checkpoint::RolledBack { incomplete: false } => return None,
        })
    }
}

/// The result of a transition.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub checkpoint: Checkpoint,
    /// What changed in the record, for stores that write deltas.
    pub changes: Changes,
    /// An error the response carries beside the record: a crash found at run start, an
    /// incomplete rollback.
    pub error: Option<String>,
}

impl Transition {
    /// The response upstream returns for this transition: the record (`to_dict()`) plus
    /// `outcome`, and `pending_dispatch`/`message` when steps were handed out, or `error`.
    pub fn response(&self, wf: &Workflow) -> Value {
        let Value::Object(mut m) = wf.to_value() else {
            return Value::Null;
        };
        m.extend(self.extras(wf));
        Value::Object(m)
    }

    /// What [`Transition::response`] adds to the record, alone: `outcome`, then `dispatch` or
    /// `waiting_for`, then `error` or `pending_dispatch` and `message`. Costs nothing per
    /// step beyond the dispatch requests, for hosts that keep the record elsewhere.
    pub fn extras(&self, wf: &Workflow) -> Map<String, Value> {
        self.extras_with(wf, true)
    }

    /// [`Transition::extras`] without `dispatch` and `waiting_for`, for hosts that hand the
    /// checkpoint over beside it (it carries the same requests and indices).
    pub fn extras_beside_checkpoint(&self, wf: &Workflow) -> Map<String, Value> {
        self.extras_with(wf, false)
    }

    fn extras_with(&self, wf: &Workflow, requests: bool) -> Map<String, Value> {
        let mut m = Map::new();
        if let Some(outcome) = self.checkpoint.outcome() {
            m.insert("outcome".into(), Value::from(outcome));
        }
        match &self.checkpoint {
            Checkpoint::Dispatch(list) if requests => {
                let list = list.iter().map(DispatchRequest::to_value).collect();
                m.insert("dispatch".into(), Value::Array(list));
            }
            Checkpoint::Waiting(indices) if requests => {
                m.insert("waiting_for".into(), Value::from(indices.clone()));
            }
            _ => {}
        }
        if let Some(error) = &self.error {
            m.insert("error".into(), Value::from(error.clone()));
            return m;
        }
        if matches!(
            self.checkpoint,
            Checkpoint::AwaitingApproval(_) | Checkpoint::DispatchRequired | Checkpoint::Completed | Checkpoint::Failed
        ) {
            let handed: Vec<Value> = wf
                .steps
                .iter()
                .filter(|s| s.status_is(status::NOT_EXECUTED))
                .map(|s| {
                    let mut e = Map::new();
                    e.insert("index".into(), Value::from(s.index));
                    e.insert("skill".into(), Value::from(s.skill.clone()));
                    e.insert("tool".into(), Value::from(s.tool.clone()));
                    e.insert("params".into(), Value::Object(s.params.clone()));
                    Value::Object(e)
                })
                .collect();
            if !handed.is_empty() {
                m.insert("pending_dispatch".into(), Value::Array(handed));
                m.insert("message".into(), Value::from(text::HANDED_OUT_MESSAGE));
            }
        }
        m
    }

    /// The dispatch requests of this checkpoint (empty unless it is `Dispatch`).
    pub fn requests(&self) -> &[DispatchRequest] {
        match &self.checkpoint {
            Checkpoint::Dispatch(r) => r,
            _ => &[],
        }
    }
}
