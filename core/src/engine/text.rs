//! Fixed texts the engine writes into records and responses (our wording; the facts and
//! phrases callers look for are upstream's — spec Appendix C).

/// `result.reason` of a step recorded but not executed (agent mode).
pub(crate) const NO_DISPATCH_REASON: &str = "Pilot runs without --dispatch and never calls other \
skills' MCP tools itself: this step was recorded but NOT executed. The calling agent must \
perform this skill/tool call with the listed params.";

/// `message` of a run result that handed steps out (must not invite re-running).
pub(crate) const HANDED_OUT_MESSAGE: &str = "This workflow is NOT completed. Pilot has no dispatcher \
here, so the steps in pending_dispatch were recorded but not executed: perform each skill/tool \
call yourself, in index order. A Pilot started with --dispatch will never run steps handed out \
here.";

/// Why a step whose tool only previewed is a failure.
pub(crate) const PREVIEW_ONLY: &str = "step only previewed; nothing was changed. The tool answered \
action='preview' because it was not called with confirm=True — a template must pass \
confirm=True itself (Pilot's approve step is where the human decides). The preview, with its \
blast_radius, is kept in this step's result.";

/// Message of an MCP result flagged isError that carries no text.
pub(crate) const IS_ERROR_NO_TEXT: &str = "the tool reported isError";

/// `reason` of a rollback entry for a step an earlier rollback already partly undid.
pub(crate) const EARLIER_PARTIAL_REASON: &str = "rolled back by an earlier rollback call; not run again";

/// `error` of the rollback entry written while an undo is in flight, for people: the entry is
/// recognised by its `in_flight` marker (`record::undo_entry`), so this text may change.
pub(crate) const UNDO_IN_FLIGHT: &str = crate::record::LEGACY_IN_FLIGHT_ERROR;

pub(crate) fn crash_message(index: i64, skill: &str, tool: &str) -> String {
    format!(
        "Step {index} ({skill}.{tool}) was still marked running when this run started: the \
         process that dispatched it stopped before recording a result, so the step is now \
         interrupted and what it did is unknown. Check (verify) the target system by hand; then \
         either rollback() this workflow — it refuses until you pass \
         acknowledge_unknown_effects=True, which says you checked — or create a new plan that \
         starts from the state you verified."
    )
}

pub(crate) fn reported_done_reason(approver: &str) -> String {
    format!(
        "Pilot did not run this step and never saw its result; approve(acknowledge_not_executed=True) \
         from {approver} stated that it was performed outside Pilot."
    )
}

pub(crate) fn not_reversible_reason(tool: &str) -> String {
    format!(
        "no rollback defined: {tool} stays applied — undo it by hand (or with an explicit new \
         plan) if it must be reversed"
    )
}

pub(crate) fn no_dispatch_failure(skill: &str, tool: &str) -> String {
    format!("No dispatch configured for {skill}.{tool} — Pilot will not pretend to run it. {NO_DISPATCH_REASON}")
}

pub(crate) fn guest_unknown(tool: &str, exit_code_repr: &str) -> String {
    format!(
        "{tool}: the guest command timed out or Pilot could not read how it ended (exit_code \
         {exit_code_repr}); it may still be running, so its effect is UNKNOWN — look at the \
         guest before retrying or rolling back."
    )
}

pub(crate) fn guest_failure(tool: &str, code: &str, stderr: &str) -> String {
    format!("{tool}: the command exited with exit_code {code}. stderr: {stderr}")
}

pub(crate) fn rollback_incomplete(broken: &[(i64, String, String)]) -> String {
    let listed: Vec<String> = broken.iter().map(|(i, tool, status)| format!("step {i} {tool} {status}")).collect();
    format!(
        "{} undo(s) did not complete: {}. Check each of them in the target system; \
         get_workflow_status shows every step.",
        broken.len(),
        listed.join("; ")
    )
}
