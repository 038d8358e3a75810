//! Every error code, once, with its cause and what fixes it. `docs/errors.md` is rendered from
//! this list (a test keeps it and the npm package's `PilotErrorCode` type in step), and every
//! binding maps these codes: Python's `PilotError.code`, the npm package's `PilotError.code`.

/// `(code, cause, fix)` for every code the core returns, grouped as in the docs; the last two
/// are the npm package's own (`not_ready`: the module was not loaded yet; `internal`: a bug).
pub const CATALOGUE: &[(&str, &str, &str)] = &[
    ("not_found", "No workflow has this id.", "list_workflows (or `list()`) shows the ids."),
    ("conflict", "The record changed in the store since this copy was read.", "Read it again and repeat the call if it still makes sense."),
    ("already_exists", "A new workflow's id is already stored.", "Create it with a fresh id (the MCP tools do this themselves)."),
    ("invalid_record", "A stored record cannot be read (a damaged or hand-edited row).", "Check the row; create a new plan for what is left."),
    ("storage", "The store failed; nothing was changed.", "Fix the store (disk, permissions, connection) and repeat."),
    ("record_damaged", "A step has a status Pilot does not know, so run and approve cannot tell what ran.", "Inspect the record; create a new workflow for what is left."),
    ("record_unreadable", "rollback or cancel on a record that exists but cannot be read: nothing can be measured.", "Check the estate by hand, then create a new plan."),
    ("run_cancelled", "The workflow is cancelled, which is terminal.", "Create a new plan."),
    ("run_bad_state", "The workflow's state cannot run (a draft, completed, failed, rolling back, or awaiting approval for run_workflow).", "confirm_draft a draft; approve a gate; create a new plan for a finished workflow."),
    ("gate_missing", "A custom workflow has a step that needs a require_approval gate before it; force does not override it.", "Insert the gate step the answer shows."),
    ("review_blocked", "The review of a built-in template found blocking findings.", "Fix the workflow, or run with force once a human agreed (audited)."),
    ("handed_out", "Steps were handed out to the caller earlier and may already have run.", "cancel_workflow, check the target system, create a new workflow."),
    ("preflight_refused", "The dispatcher's preflight refused the run (a skill not installed, say).", "Fix what the reason names and run again."),
    ("not_awaiting_approval", "approve or reject on a workflow that is not waiting at a gate.", "get_workflow_status shows its state."),
    ("approver_required", "No approver (or rejecter) was named.", "Pass the name of the person who decides."),
    ("approver_not_caller", "Over a network transport a name other than the authenticated caller was given.", "Approve without a name, or with that person's own token."),
    ("approval_refused", "Separation of duties: this approver may not approve (created or edited it, a role that may not approve, or a name with invisible or look-alike characters).", "Ask someone else; or fix the name."),
    ("unrun_before_gate", "Steps before the gate were handed out, not executed, and not acknowledged.", "Perform them, show the results, approve with acknowledge_not_executed."),
    ("rollback_bad_state", "The workflow's state cannot be rolled back (draft, completed, already rolling back).", "Plan an explicit reversal instead."),
    ("cancel_terminal", "The workflow is completed, failed or cancelled: nothing to cancel.", "rollback reverses completed steps."),
    ("radius_refused", "A confirmed rollback or cancel whose blast radius has blockers or unacknowledged unknown effects.", "Show the radius; check the unknown effects; acknowledge them."),
    ("report_not_running", "A result reported for a step that is not running (never handed out, or already reported).", "Report only the steps of the latest dispatch checkpoint."),
    ("report_unknown_step", "A result reported for a step index the workflow does not have.", "Use the index from the dispatch request."),
    ("not_a_draft", "A draft edit on a workflow that is not a draft.", "Create a new workflow instead."),
    ("draft_has_no_steps", "confirm_draft on a draft without steps.", "update_draft with the steps first."),
    ("approval_gate", "A custom workflow or template would be saved with a step that needs a gate before it.", "Insert the gate step the answer shows."),
    ("ref_malformed", "A step reference is not `__from_step_N__[:key]`.", "Fix the reference with update_draft."),
    ("ref_not_integer", "A step reference's index is not a whole number.", "Use a whole step index."),
    ("ref_out_of_range", "A step reference points past the last step.", "Point it at an existing earlier step."),
    ("ref_forward", "A step reference points at the same or a later step.", "Reorder the steps or point it at an earlier one."),
    ("ref_outside_pilot", "A step reference points at a step performed outside Pilot.", "Fill the value in yourself."),
    ("ref_not_success", "A step reference points at a step that did not succeed.", "Remove the cause; create a new workflow."),
    ("ref_missing_key", "A step reference names a key the step's result does not have.", "Point it at a key the tool returns."),
    ("ref_not_a_dict", "A step reference names a key of a result that is not an object.", "Reference the whole result."),
    ("redacted_secret", "A step param is the redacted placeholder `***`: the secret did not survive a restart.", "Re-source the secret and create the workflow again."),
    ("forged_approval", "An imported record has a gate passed (or approved_by set) without an approval in its audit log.", "Import the record as it was stored, or approve the gate again."),
    ("inconsistent_record", "An imported record's state contradicts its steps (completed with steps still to run, awaiting approval with no gate pending).", "Import the record as Pilot stored it."),
    ("stale_record", "An imported record is older than the stored copy of the same workflow (fewer audit entries).", "Use the stored workflow; delete it first if replacing it is really meant."),
    ("invalid_argument", "An argument has the wrong type or shape.", "The message names the parameter, what it takes and what it got."),
    ("unknown_template", "No template has this name.", "list_workflows (or `templates()`) shows them."),
    ("template_bind", "The params do not bind to the template's parameters.", "The answer shows the template's signature."),
    ("template_argument", "A template refused an argument's value.", "The message says what to pass instead."),
    ("template_definition", "A custom template file cannot be used as written.", "Fix the YAML the message names."),
    ("not_ready", "npm: the WebAssembly module is not loaded yet.", "Await `ready()` first."),
    ("internal", "npm: the core stopped on an internal error (a bug).", "Report the call; reload the module."),
];

/// `docs/errors.md`, rendered from [`CATALOGUE`].
pub fn catalogue_markdown() -> String {
    let mut out = String::from(
        "# Error codes\n\nEvery refusal of vmware-pilot carries one of these stable codes — `PilotError.code` in the \
         npm package and in the Python record API, the `code` of the MCP tools' errors where they have one. Branch \
         on the code, never on the message. This page is generated from `core/src/error/catalogue.rs` \
         (`UPDATE_DOCS=1 cargo test -p vmware-pilot-core --test error_catalogue` rewrites it).\n\n| code | cause | what to do |\n\
         |---|---|---|\n",
    );
    for (code, cause, fix) in CATALOGUE {
        out.push_str(&format!("| `{code}` | {cause} | {fix} |\n"));
    }
    out
}
