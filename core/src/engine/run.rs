//! Running to the next checkpoint (spec §2.2) and recording what the host reports.

use serde_json::{Map, Value};

use super::classify::{classify, Reported, Verdict};
use super::refs::{referenced_indices, resolve_params};
use super::rollback;
use super::text;
use super::tx::{finish, Tx};
use super::{Checkpoint, DispatchRequest, Mode, Options, Transition};
use crate::env::Env;
use crate::error::PilotError;
use crate::record::{first_redacted_secret_in, status, Workflow, WorkflowState};

/// Runs `wf` until the next checkpoint: an approval gate, the end, a failure, or (host
/// mode) the next steps to dispatch. Refusals leave the record untouched.
pub fn run(wf: &mut Workflow, env: &Env, opts: &Options) -> Result<Transition, PilotError> {
    let mut tx = Tx::new(wf, env);
    let ran = run_in(&mut tx, opts, true)?;
    Ok(settle(tx, ran))
}

fn id_state(wf: &Workflow) -> (String, String) {
    (wf.id.clone(), wf.state.as_str().to_string())
}

/// Why a dispatcher must not start: steps handed out earlier (they may have been performed
/// already), or the host's preflight.
pub(crate) fn dispatch_refusal(
    wf: &Workflow,
    opts: &Options,
    acknowledged: &[usize],
    gate: Option<usize>,
) -> Option<PilotError> {
    let handed: Vec<_> = wf
        .steps
        .iter()
        .enumerate()
        .filter(|(pos, s)| s.status_is(status::NOT_EXECUTED) && !acknowledged.contains(pos))
        .map(|(_, s)| s.step_ref())
        .collect();
    let (id, state) = id_state(wf);
    if !handed.is_empty() {
        return Some(PilotError::HandedOut { id, state, steps: handed });
    }
    let preflight = opts.preflight?;
    let remaining: Vec<_> = wf
        .steps
        .iter()
        .enumerate()
        .filter(|(pos, s)| s.status_is(status::PENDING) && Some(*pos) != gate && !s.is_gate())
        .map(|(_, s)| s)
        .collect();
    preflight(&remaining).err().map(|reason| PilotError::PreflightRefused { id, state, reason })
}

/// The body of a run, shared with approve (which runs on after the gate).
/// `check_dispatcher` is false when the caller (approve) already ran the dispatcher checks
/// before changing the record: once anything changed, a run must not be refused.
pub(crate) fn run_in(tx: &mut Tx, opts: &Options, check_dispatcher: bool) -> Result<Ran, PilotError> {
    let (id, state) = id_state(tx.wf);
    match tx.wf.state {
        WorkflowState::Cancelled => return Err(PilotError::RunCancelled { id, state }),
        WorkflowState::Pending | WorkflowState::Running | WorkflowState::AwaitingApproval => {}
        _ => return Err(PilotError::RunBadState { id, state }),
    }
    // Steps a live host was handed and has not reported yet: the same requests again, nothing
    // changed (a retried call must not turn a step in progress into a crash).
    if opts.live_host && opts.has_dispatcher() {
        if let Some(outstanding) = outstanding(tx.wf) {
            return Ok(Ran::At(outstanding));
        }
    }
    // A step still `running` means the process that dispatched it died: its effect is
    // unknown, so it is neither skipped as done nor sent again.
    if let Some(pos) = tx.wf.steps.iter().position(|s| s.status_is(status::RUNNING)) {
        let now = tx.now();
        let step = tx.step(pos);
        step.set_status(status::INTERRUPTED);
        step.completed_at = now;
        let (index, skill, tool) = (step.index, step.skill.clone(), step.tool.clone());
        tx.wf.state = WorkflowState::Failed;
        tx.log("interrupted_step_detected", format!("Step {index}: {tool} was 'running' when a previous run died"));
        return Ok(Ran::Crashed(text::crash_message(index, &skill, &tool)));
    }
    if check_dispatcher && opts.has_dispatcher() {
        if let Some(refusal) = dispatch_refusal(tx.wf, opts, &[], None) {
            return Err(refusal);
        }
    }
    tx.wf.state = WorkflowState::Running;
    tx.log("run_started", "");
    Ok(Ran::At(advance(tx, opts, 0)))
}

/// Whether a forward step was left `running` (an undo in flight is settled by cancel or a
/// report instead).
pub fn needs_recovery(wf: &Workflow) -> bool {
    wf.state != WorkflowState::RollingBack && wf.steps.iter().any(|s| s.status_is(status::RUNNING))
}

/// Recovery after a crash: the forward steps left `running` are marked `interrupted` and the
/// workflow fails, as a run finds them when it is not told the host is live. Refused when
/// [`needs_recovery`] is false (a run would go on to dispatch more).
pub fn recover(wf: &mut Workflow, env: &Env) -> Result<Transition, PilotError> {
    if !needs_recovery(wf) {
        return Err(PilotError::InvalidArgument {
            message: format!("workflow '{}' has no step in flight: there is nothing to recover", wf.id),
        });
    }
    run(wf, env, &Options { live_host: false, ..Options::host() })
}

/// The dispatch requests of the forward steps still `running`, as they were handed out (their
/// params resolve the same way: the results they refer to are already recorded), or `None`.
fn outstanding(wf: &Workflow) -> Option<Checkpoint> {
    let requests: Vec<DispatchRequest> = wf
        .steps
        .iter()
        .filter(|s| s.status_is(status::RUNNING))
        .map(|s| {
            let params = resolve_params(&s.params, &wf.steps, s.index).unwrap_or_else(|_| s.params.clone());
            DispatchRequest {
                index: s.index,
                skill: s.skill.clone(),
                tool: s.tool.clone(),
                params,
                group_id: s.group_id.clone(),
                undo: false,
            }
        })
        .collect();
    (!requests.is_empty()).then_some(Checkpoint::Dispatch(requests))
}

/// How a run ended: at a checkpoint, or on finding a step a dead process left `running`
/// (not a refusal: the record changed — the step is now `interrupted` — and must be saved).
pub(crate) enum Ran {
    At(Checkpoint),
    Crashed(String),
}

pub(crate) fn settle(tx: Tx, ran: Ran) -> Transition {
    match ran {
        Ran::At(checkpoint) => finish(tx, checkpoint),
        Ran::Crashed(error) => Transition { checkpoint: Checkpoint::Failed, changes: tx.changes, error: Some(error) },
    }
}

/// Walks the steps from position `from` to the next checkpoint.
pub(crate) fn advance(tx: &mut Tx, opts: &Options, from: usize) -> Checkpoint {
    let mut pos = from;
    while pos < tx.wf.steps.len() {
        let step = &tx.wf.steps[pos];
        if !(step.status_is(status::PENDING) || step.status_is(status::NOT_EXECUTED)) {
            pos += 1;
            continue;
        }
        if step.is_gate() {
            let (index, action) = (step.index, step.action.clone());
            tx.wf.state = WorkflowState::AwaitingApproval;
            tx.log("awaiting_approval", format!("Step {index}: {action}"));
            return Checkpoint::AwaitingApproval(index);
        }
        match opts.mode {
            Mode::Agent => {
                let s = tx.step(pos);
                s.set_status(status::NOT_EXECUTED);
                let mut reason = Map::new();
                reason.insert("reason".into(), Value::from(text::NO_DISPATCH_REASON));
                s.result = Value::Object(reason);
                let detail = format!("Step {}: {} — no dispatch configured", s.index, s.tool);
                tx.log("step_not_executed", detail);
                pos += 1;
            }
            Mode::Host { parallel_groups } => return dispatch_from(tx, pos, parallel_groups),
        }
    }
    let handed = tx.wf.steps.iter().filter(|s| s.status_is(status::NOT_EXECUTED)).count();
    if handed > 0 {
        tx.wf.state = WorkflowState::Pending;
        tx.log("dispatch_required", format!("{handed} step(s) recorded but not executed (no dispatch configured)"));
        Checkpoint::DispatchRequired
    } else {
        tx.wf.state = WorkflowState::Completed;
        tx.log("workflow_completed", "");
        Checkpoint::Completed
    }
}

/// The params `pos` would be dispatched with, or why it cannot be.
fn prepared_params(tx: &Tx, pos: usize) -> Result<Map<String, Value>, PilotError> {
    let step = &tx.wf.steps[pos];
    let resolved = resolve_params(&step.params, &tx.wf.steps, step.index)?;
    if let Some(key) = first_redacted_secret_in(&resolved) {
        return Err(PilotError::RedactedSecret { index: step.index, key });
    }
    Ok(resolved)
}

/// Marks the next step (and, with parallel groups, its contiguous pending siblings) running
/// and returns them for dispatch. A step whose params cannot be prepared fails here.
fn dispatch_from(tx: &mut Tx, pos: usize, parallel_groups: bool) -> Checkpoint {
    let now = tx.now();
    let first = match prepared_params(tx, pos) {
        Ok(params) => params,
        Err(e) => {
            let s = tx.step(pos);
            s.set_status(status::RUNNING);
            s.started_at = now;
            return fail_step(tx, pos, e.to_string(), error_result(&e.to_string()), false);
        }
    };
    let mut batch = vec![(pos, first)];
    let group = tx.wf.steps[pos].group_id.clone();
    if parallel_groups && !group.is_empty() {
        let mut next = pos + 1;
        while let Some(sibling) = tx.wf.steps.get(next) {
            if sibling.group_id != group || !sibling.status_is(status::PENDING) || sibling.is_gate() {
                break;
            }
            // a sibling that reads a batch member's result must wait for it
            let batch_indices: Vec<i64> = batch.iter().map(|(p, _)| tx.wf.steps[*p].index).collect();
            if referenced_indices(&sibling.params).iter().any(|i| batch_indices.contains(i)) {
                break;
            }
            match prepared_params(tx, next) {
                Ok(params) => batch.push((next, params)),
                Err(_) => break, // it fails in order, once the batch is done
            }
            next += 1;
        }
    }
    let mut requests = Vec::with_capacity(batch.len());
    for (p, params) in batch {
        let s = tx.step(p);
        s.set_status(status::RUNNING);
        s.started_at = now.clone();
        requests.push(DispatchRequest {
            index: s.index,
            skill: s.skill.clone(),
            tool: s.tool.clone(),
            params,
            group_id: s.group_id.clone(),
            undo: false,
        });
    }
    Checkpoint::Dispatch(requests)
}

pub(crate) fn error_result(message: &str) -> Value {
    let mut m = Map::new();
    m.insert("error".into(), Value::from(message));
    Value::Object(m)
}

/// Records a failed (or effect-unknown) step and stops the workflow: remaining pending
/// steps are skipped. Nothing is rolled back automatically.
fn fail_step(tx: &mut Tx, pos: usize, message: String, result: Value, unknown: bool) -> Checkpoint {
    let now = tx.now();
    let s = tx.step(pos);
    s.set_status(if unknown { status::INTERRUPTED } else { status::FAILED });
    s.result = result;
    s.completed_at = now;
    let detail = format!("Step {}: {} → {}", s.index, s.tool, message);
    if tx.wf.state == WorkflowState::Running {
        tx.wf.state = WorkflowState::Failed;
    }
    tx.log(if unknown { "step_effect_unknown" } else { "step_failed" }, detail);
    for p in 0..tx.wf.steps.len() {
        if tx.wf.steps[p].status_is(status::PENDING) {
            tx.step(p).set_status(status::SKIPPED);
        }
    }
    Checkpoint::Failed
}

/// Parallel-group siblings of `pos` that are still running.
fn running_siblings(wf: &Workflow, pos: usize) -> Vec<i64> {
    let group = &wf.steps[pos].group_id;
    if group.is_empty() {
        return Vec::new();
    }
    let mut start = pos;
    while start > 0 && wf.steps[start - 1].group_id == *group {
        start -= 1;
    }
    wf.steps[start..]
        .iter()
        .take_while(|s| s.group_id == *group)
        .filter(|s| s.status_is(status::RUNNING))
        .map(|s| s.index)
        .collect()
}

/// Records the result the host reports for a dispatched step, then continues to the next
/// checkpoint. Only a step the record shows `running` may be reported.
pub fn report(
    wf: &mut Workflow,
    env: &Env,
    index: i64,
    reported: Reported,
    opts: &Options,
) -> Result<Transition, PilotError> {
    let (id, state) = id_state(wf);
    let pos = wf.position_of(index).ok_or(PilotError::ReportUnknownStep {
        id: id.clone(),
        state: state.clone(),
        index,
        len: wf.steps.len(),
    })?;
    if !wf.steps[pos].status_is(status::RUNNING) {
        return Err(PilotError::ReportNotRunning { id, state, index, status: wf.steps[pos].status_text() });
    }
    if rollback::undo_in_flight(wf, pos) {
        return rollback::report_undo(wf, env, pos, reported, opts);
    }
    let mut tx = Tx::new(wf, env);
    let (skill, tool) = (tx.wf.steps[pos].skill.clone(), tx.wf.steps[pos].tool.clone());
    let stopped = match classify(&reported, &skill, &tool) {
        Verdict::Success(result) => {
            let now = tx.now();
            let s = tx.step(pos);
            s.set_status(status::SUCCESS);
            s.result = result;
            s.completed_at = now;
            let detail = format!("Step {}: {} → success", s.index, s.tool);
            tx.log("step_completed", detail);
            None
        }
        Verdict::Failed { message, result } => Some(fail_step(&mut tx, pos, message, result, false)),
        Verdict::Unknown { message, result } => Some(fail_step(&mut tx, pos, message, result, true)),
    };
    let waiting = running_siblings(tx.wf, pos);
    let checkpoint = if !waiting.is_empty() {
        Checkpoint::Waiting(waiting)
    } else {
        match (tx.wf.state, stopped) {
            (WorkflowState::Running, _) => advance(&mut tx, opts, pos + 1),
            (WorkflowState::Failed, _) => Checkpoint::Failed,
            (WorkflowState::Cancelled, _) => Checkpoint::Cancelled,
            (WorkflowState::Completed, _) => Checkpoint::Completed,
            (WorkflowState::AwaitingApproval, _) => Checkpoint::AwaitingApproval(
                tx.wf.steps.iter().find(|s| s.is_gate() && s.status_is(status::PENDING)).map_or(-1, |s| s.index),
            ),
            (_, Some(c)) => c,
            (_, None) => Checkpoint::Failed,
        }
    };
    Ok(finish(tx, checkpoint))
}
