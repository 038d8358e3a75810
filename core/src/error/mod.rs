//! The one error type of the core.
//!
//! Every variant has a stable `code()` that hosts map (never parse messages). Messages are
//! written to teach the fix: they name the tool or parameter to use next. Where upstream
//! callers look for a phrase (spec Appendix C "pinned"), the message carries that phrase.

use serde_json::{Map, Value};

use crate::pyfmt::py_repr_str;

mod catalogue;
mod dialect;
pub use catalogue::{catalogue_markdown, CATALOGUE};
pub use dialect::{speak, speak_answer, Dialect};

/// A step as refusals list it: `{"index", "skill", "tool"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRef {
    pub index: i64,
    pub skill: String,
    pub tool: String,
}

impl StepRef {
    pub fn label(&self) -> String {
        format!("step {} ({}.{})", self.index, self.skill, self.tool)
    }
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("index".into(), Value::from(self.index));
        m.insert("skill".into(), Value::from(self.skill.clone()));
        m.insert("tool".into(), Value::from(self.tool.clone()));
        Value::Object(m)
    }
}

fn labels(steps: &[StepRef]) -> String {
    steps.iter().map(StepRef::label).collect::<Vec<_>>().join(", ")
}

/// The Python exception class upstream raises for a damaged record (spec §1.8). Hosts that
/// mimic upstream name it (`could not be read (KeyError)`); the order of checks decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFault {
    JsonDecode,
    Key,
    Value,
    Type,
    Attribute,
}

impl RecordFault {
    pub fn python_class(self) -> &'static str {
        match self {
            RecordFault::JsonDecode => "JSONDecodeError",
            RecordFault::Key => "KeyError",
            RecordFault::Value => "ValueError",
            RecordFault::Type => "TypeError",
            RecordFault::Attribute => "AttributeError",
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PilotError {
    // ── lookup and storage ─────────────────────────────────────────────────────────────
    #[error("Workflow '{id}' not found")]
    NotFound { id: String },

    #[error(
        "Workflow '{id}' changed in the store since this copy was read (this copy is \
         revision {expected}, the store holds revision {found}); nothing was applied. Read it \
         again (get_workflow_status shows the current state) and repeat the call if it still \
         makes sense."
    )]
    Conflict { id: String, expected: String, found: String },

    #[error(
        "A workflow with id '{id}' is already stored; nothing was written. Create the new one \
         with a fresh id."
    )]
    AlreadyExists { id: String },

    #[error("The stored record could not be read ({}): {detail}", fault.python_class())]
    InvalidRecord { fault: RecordFault, detail: String },

    #[error("The workflow store failed: {detail}. Nothing was changed by this call.")]
    Storage { detail: String },

    // ── run ────────────────────────────────────────────────────────────────────────────
    #[error(
        "Workflow '{id}' is CANCELLED and cannot be run: its approval was rejected or \
         cancel_workflow was called, and a cancelled workflow is terminal — it never runs \
         again. Create a new plan if the operation is still needed."
    )]
    RunCancelled { id: String, state: String },

    #[error(
        "Workflow '{id}' cannot be run from state '{state}'. A run starts only from pending, \
         running, awaiting_approval. A draft needs confirm_draft first; a completed or failed \
         workflow is finished, so create a new plan instead of running it again."
    )]
    RunBadState { id: String, state: String },

    #[error(
        "Refusing to run workflow '{id}': {} were handed out earlier in pending_dispatch by a \
         Pilot without --dispatch, so they may already have been performed, and Pilot will not \
         perform them a second time. Use cancel_workflow on this one (its preview lists those \
         steps), find out in the target system which of them ran, and create a new workflow \
         for what is left.",
        labels(steps)
    )]
    HandedOut { id: String, state: String, steps: Vec<StepRef> },

    #[error("{reason}")]
    PreflightRefused { id: String, state: String, reason: String },

    // ── approve ────────────────────────────────────────────────────────────────────────
    #[error("Workflow {id} is not awaiting approval (state: {state})")]
    NotAwaitingApproval { id: String, state: String },

    #[error(
        "approver is required for the audit trail: pass the name of the person who approves \
         this gate."
    )]
    ApproverRequired { id: String, state: String },

    #[error(
        "Refusing to approve workflow '{id}': {} step(s) before this gate — {} — were recorded \
         but NOT executed (this Pilot has no dispatcher), so Pilot has no proof that they ran \
         and no copy of what they returned, whatever the approval message says. If you \
         performed each of them yourself and checked the results, show those results to the \
         approver and call approve again with acknowledge_not_executed=True; do not perform \
         them again. If nobody performed them, cancel_workflow this one and create a new \
         workflow.",
        steps.len(),
        labels(steps)
    )]
    UnrunBeforeGate { id: String, state: String, steps: Vec<StepRef> },

    /// Separation of duties: the approver's role may not approve this workflow.
    #[error("Refusing the approval of workflow '{id}': {reason}. Nothing was changed.")]
    ApprovalRefused { id: String, state: String, reason: String },

    // ── rollback / cancel ──────────────────────────────────────────────────────────────
    #[error(
        "Workflow '{id}' cannot be rolled back from state '{state}': a draft has run nothing, \
         a completed workflow is never reversed silently (plan an explicit reversal instead), \
         and a rollback already under way cannot be started a second time."
    )]
    RollbackBadState { id: String, state: String },

    #[error(
        "Workflow '{id}' is in the terminal state '{state}', so there is nothing left to \
         cancel: only draft, pending, running, awaiting_approval and rolling_back workflows can \
         be cancelled. Create a new plan if the work is still needed; rollback() reverses steps \
         a workflow completed."
    )]
    CancelTerminal { id: String, state: String },

    // ── host-mode reports ──────────────────────────────────────────────────────────────
    #[error(
        "Refusing the result reported for step {index} of workflow '{id}': that step is '{status}', \
         not 'running', so no dispatch of it is outstanding (it was never handed to you, or its \
         result was already recorded). Report only the steps of the latest dispatch \
         checkpoint; get_workflow_status shows every step."
    )]
    ReportNotRunning { id: String, state: String, index: i64, status: String },

    #[error(
        "Workflow '{id}' has no step {index} (it has {len} steps). Report results with the \
         index given in the dispatch checkpoint."
    )]
    ReportUnknownStep { id: String, state: String, index: i64, len: usize },

    // ── drafts ─────────────────────────────────────────────────────────────────────────
    #[error("Workflow '{id}' is not a draft (state: {state})")]
    NotADraft { id: String, state: String },

    #[error("Cannot confirm a draft with no steps. Call update_draft() first to add them.")]
    DraftHasNoSteps { id: String, state: String },

    // ── step references (these fail the step that holds them) ──────────────────────────
    #[error(
        "Malformed step reference '{reference}': write it as '__from_step_N__' or \
         '__from_step_N__:key', N being the 0-based index of an earlier step. Fix the step \
         params with update_draft, then check with review_workflow that every reference \
         resolves before running."
    )]
    RefMalformed { reference: String },

    #[error(
        "Malformed step reference '{reference}': '{index_text}' is not an integer step index. \
         Use a whole number N such as 0 or 1 (review_workflow shows each step's index), and fix \
         the reference with update_draft."
    )]
    RefNotInteger { reference: String, index_text: String },

    #[error(
        "Step reference '{reference}' points to step {index}, but this workflow has steps \
         0..{last}. review_workflow lists the steps with their indices; correct the index in the \
         step params with update_draft."
    )]
    RefOutOfRange { reference: String, index: String, last: i64 },

    #[error(
        "Step reference '{reference}' is a forward/self reference: step {index} has no result \
         yet when step {current} runs. A reference must name an EARLIER step — check the order \
         with review_workflow, then reorder the steps or point the reference at a step before \
         {current} with update_draft."
    )]
    RefForward { reference: String, index: i64, current: i64 },

    #[error(
        "Step reference '{reference}' points to step {index} ({tool}), which was performed \
         outside Pilot and acknowledged at an approval gate: Pilot never saw its result, so it \
         cannot fill this reference. Do not run step {index} again. Make the call that needs \
         this value yourself, filling it in from step {index}'s own result, or create a new \
         workflow."
    )]
    RefOutsidePilot { reference: String, index: i64, tool: String },

    #[error(
        "Step reference '{reference}' points to step {index} ({tool}) which has status \
         '{status}', not 'success', so it has no result to use. get_workflow_status shows why \
         step {index} did not succeed; remove that cause, then create a new workflow (without \
         the reference if that step cannot succeed) — a failed workflow cannot be run again."
    )]
    RefNotSuccess { reference: String, index: i64, tool: String, status: String },

    #[error(
        "Step reference '{reference}': step {index} ({tool}) returned no '{key}' (its keys: \
         {keys}). Pilot will not send the whole result in its place; point the reference at a \
         key that tool returns and create a new workflow."
    )]
    RefMissingKey { reference: String, index: i64, tool: String, key: String, keys: String },

    #[error(
        "Step reference '{reference}': step {index} ({tool}) returned {type_name}, not a dict, \
         so it has no '{key}'. Pilot will not send the whole result in its place; use \
         '__from_step_{index}__' (no key) if the whole result is meant, and create a new \
         workflow."
    )]
    RefNotADict { reference: String, index: i64, tool: String, key: String, type_name: String },

    #[error(
        "Step {index} param {} is the redacted placeholder '***': the workflow store never \
         keeps secrets, and the live value did not survive the end of the process that created \
         this workflow. Re-source the secret from its environment variable or secret store and \
         create the workflow again (create_workflow or create_workflow_from_template); running \
         this stored copy would only send the placeholder. Retire it with cancel_workflow.",
        py_repr_str(key)
    )]
    RedactedSecret { index: i64, key: String },

    // ── imports (records a host hands in that Pilot did not write) ────────────────────
    #[error(
        "Refusing to import workflow '{id}': {detail}, but its audit log records no approval \
         for it. An approval is only given through approve; import the record as it was \
         stored, or approve the gate again."
    )]
    ForgedApproval { id: String, detail: String },

    #[error("Refusing to import workflow '{id}': {detail}. Import the record as Pilot stored it.")]
    InconsistentRecord { id: String, detail: String },

    #[error(
        "Refusing to import workflow '{id}': the stored copy is newer ({stored} audit entries, \
         this one has {given}); importing it would undo what happened since. get() shows the \
         stored workflow; delete it first if replacing it is really meant."
    )]
    StaleRecord { id: String, stored: usize, given: usize },

    // ── arguments ──────────────────────────────────────────────────────────────────────
    #[error("{message}")]
    InvalidArgument { message: String },

    // ── templates ──────────────────────────────────────────────────────────────────────
    #[error("Unknown workflow type: {name}. Available: {}", crate::pyfmt::py_repr_str_list(available))]
    UnknownTemplate { name: String, available: Vec<String> },

    /// The arguments do not bind to the template's parameters (Python's `TypeError` text:
    /// `missing a required argument: 'x'`, `got an unexpected keyword argument 'x'`).
    #[error("{message}")]
    TemplateBind { template: String, message: String, signature: String },

    /// An argument the template refuses (a `ValueError` upstream): the message says which
    /// and what to pass instead.
    #[error("{message}")]
    TemplateArgument { template: String, message: String },

    /// A template file that cannot be used as written (a user's YAML, usually).
    #[error("Template '{template}' is not valid: {message}")]
    TemplateDefinition { template: String, message: String },

    /// A custom workflow with a step that needs a require_approval gate before it. The
    /// payload is upstream's refusal shape (`error`, `approval_gate_violations`, `fix`).
    #[error("{}", payload.get("error").and_then(Value::as_str).unwrap_or("approval gate refused"))]
    ApprovalGate { payload: Value },

    // ── refusals whose payload is upstream's answer ────────────────────────────────────
    /// A step status Pilot does not know (a damaged or hand-edited row): run and approve
    /// would pass such a step over silently, so they refuse the record.
    #[error("{}", payload_text(payload, "the record is damaged"))]
    RecordDamaged { payload: Value },

    /// A stored record that exists but cannot be read, so what a rollback or cancel would
    /// change cannot be measured.
    #[error("{}", payload_text(payload, "the stored record could not be read"))]
    RecordUnreadable { payload: Value },

    /// run_workflow on a custom workflow with a step that needs a require_approval gate
    /// before it and has none (`force` does not override this).
    #[error("{}", payload_text(payload, "an approval gate is missing"))]
    GateMissing { payload: Value },

    /// run_workflow on a built-in template whose review found blocking findings, without
    /// `force`.
    #[error("{}", payload_text(payload, "the review found blocking findings"))]
    ReviewBlocked { payload: Value },

    /// Over a network transport the approver is the authenticated caller: another name was
    /// given.
    #[error("{}", payload_text(payload, "the approver is not the authenticated caller"))]
    ApproverNotCaller { payload: Value },

    /// A confirmed rollback or cancel refused by its blast radius (blockers, or effects not
    /// measured and not acknowledged). The payload carries the radius and the fix.
    #[error("{}", payload_text(payload, "refused by the blast radius"))]
    RadiusRefused { payload: Value },
}

fn payload_text<'a>(payload: &'a Value, fallback: &'a str) -> &'a str {
    payload.get("error").and_then(Value::as_str).unwrap_or(fallback)
}

impl PilotError {
    /// The stable code hosts map on. Never changes once released.
    pub fn code(&self) -> &'static str {
        use PilotError::*;
        match self {
            NotFound { .. } => "not_found",
            Conflict { .. } => "conflict",
            AlreadyExists { .. } => "already_exists",
            InvalidRecord { .. } => "invalid_record",
            Storage { .. } => "storage",
            RunCancelled { .. } => "run_cancelled",
            RunBadState { .. } => "run_bad_state",
            HandedOut { .. } => "handed_out",
            PreflightRefused { .. } => "preflight_refused",
            NotAwaitingApproval { .. } => "not_awaiting_approval",
            ApproverRequired { .. } => "approver_required",
            UnrunBeforeGate { .. } => "unrun_before_gate",
            ApprovalRefused { .. } => "approval_refused",
            RollbackBadState { .. } => "rollback_bad_state",
            CancelTerminal { .. } => "cancel_terminal",
            ReportNotRunning { .. } => "report_not_running",
            ReportUnknownStep { .. } => "report_unknown_step",
            NotADraft { .. } => "not_a_draft",
            DraftHasNoSteps { .. } => "draft_has_no_steps",
            RefMalformed { .. } => "ref_malformed",
            RefNotInteger { .. } => "ref_not_integer",
            RefOutOfRange { .. } => "ref_out_of_range",
            RefForward { .. } => "ref_forward",
            RefOutsidePilot { .. } => "ref_outside_pilot",
            RefNotSuccess { .. } => "ref_not_success",
            RefMissingKey { .. } => "ref_missing_key",
            RefNotADict { .. } => "ref_not_a_dict",
            RedactedSecret { .. } => "redacted_secret",
            ForgedApproval { .. } => "forged_approval",
            InconsistentRecord { .. } => "inconsistent_record",
            StaleRecord { .. } => "stale_record",
            InvalidArgument { .. } => "invalid_argument",
            UnknownTemplate { .. } => "unknown_template",
            TemplateBind { .. } => "template_bind",
            TemplateArgument { .. } => "template_argument",
            TemplateDefinition { .. } => "template_definition",
            ApprovalGate { .. } => "approval_gate",
            RecordDamaged { .. } => "record_damaged",
            RecordUnreadable { .. } => "record_unreadable",
            GateMissing { .. } => "gate_missing",
            ReviewBlocked { .. } => "review_blocked",
            ApproverNotCaller { .. } => "approver_not_caller",
            RadiusRefused { .. } => "radius_refused",
        }
    }

    /// The workflow id and state the refusal concerns, when the upstream shape carries them.
    fn id_state(&self) -> Option<(&str, &str)> {
        use PilotError::*;
        match self {
            RunCancelled { id, state }
            | RunBadState { id, state }
            | HandedOut { id, state, .. }
            | PreflightRefused { id, state, .. }
            | ApproverRequired { id, state }
            | UnrunBeforeGate { id, state, .. }
            | ApprovalRefused { id, state, .. }
            | RollbackBadState { id, state }
            | CancelTerminal { id, state }
            | ReportNotRunning { id, state, .. }
            | ReportUnknownStep { id, state, .. } => Some((id, state)),
            _ => None,
        }
    }

    /// The upstream answer a refusal carries whole, for the variants that have one.
    pub fn payload(&self) -> Option<&Value> {
        use PilotError::*;
        match self {
            ApprovalGate { payload }
            | RecordDamaged { payload }
            | RecordUnreadable { payload }
            | GateMissing { payload }
            | ReviewBlocked { payload }
            | ApproverNotCaller { payload }
            | RadiusRefused { payload } => Some(payload),
            _ => None,
        }
    }

    /// The refusal as upstream returns it: `{"error", "workflow_id", "state", ...extras}`,
    /// or just `{"error"}` where upstream gives no more.
    pub fn to_response(&self) -> Value {
        if let Some(payload) = self.payload() {
            return payload.clone();
        }
        let mut m = Map::new();
        m.insert("error".into(), Value::from(self.to_string()));
        if let Some((id, state)) = self.id_state() {
            m.insert("workflow_id".into(), Value::from(id));
            m.insert("state".into(), Value::from(state));
        }
        match self {
            PilotError::HandedOut { steps, .. } => {
                m.insert("handed_out".into(), Value::Array(steps.iter().map(StepRef::to_value).collect()));
            }
            PilotError::UnrunBeforeGate { steps, .. } => {
                m.insert(
                    "not_executed_before_gate".into(),
                    Value::Array(steps.iter().map(StepRef::to_value).collect()),
                );
            }
            _ => {}
        }
        Value::Object(m)
    }
}
