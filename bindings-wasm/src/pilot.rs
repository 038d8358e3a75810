//! `Pilot`: workflows kept in a host's synchronous storage, through the core's driver — every
//! transition is saved (with the revision it replaces) before its checkpoint is returned, so
//! a step is stored `running` before the host is asked to perform it.

use pilot_core::engine::{self, Options};
use pilot_core::ops::{self, hosts::DriverHost, ApproveArgs, ApproverCheck, Undo};
use pilot_core::safety::roles::ApproveMode;
use pilot_core::storage::{Driver, ListFilter, MemoryStore};
use pilot_core::{host, Env, PilotError, Workflow};
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

use crate::convert::{answer_js, from_js, record_js, str_field, to_js};
use crate::engine::{reported_from, strip_functions, JsOptions};
use crate::errors;
use crate::storage::{Backend, JsStorage};

#[wasm_bindgen]
pub struct Pilot {
    driver: Driver<Backend>,
    caller: String,
    approve_mode: ApproveMode,
    /// `{mode, preflight}`, parsed once: passed to every transition that may dispatch.
    options: JsOptions,
}

fn thrown(e: PilotError) -> JsValue {
    errors::to_js(&e)
}

/// A workflow id from JS: a non-empty string (a number or an object is refused with
/// `invalid_argument`, the core's one rule for ids).
fn id_of(v: &JsValue) -> Result<String, JsValue> {
    ops::id_arg(&from_js(v)?, "id").map_err(thrown)
}

/// A text parameter from JS (`undefined`/`null`: empty); anything else is refused naming it.
fn text_of(v: &JsValue, param: &str) -> Result<String, JsValue> {
    ops::text_value(&from_js(v)?, param).map_err(thrown)
}

/// `{preview}` without `confirm`; the labelled answer with it.
fn undo_js(out: Result<Undo, PilotError>) -> Result<JsValue, JsValue> {
    match out.map_err(thrown)? {
        Undo::Preview(preview) => answer_js(json!({ "preview": preview })),
        Undo::Done(answer) => answer_js(answer),
    }
}

#[wasm_bindgen]
impl Pilot {
    /// `storage`: `{load, save, list, delete}`, or null for the core's in-memory store; `options`: `{caller?, mode?, preflight?,
    /// approveMode?}` (`approveMode` "others" — the default — refuses an approver who created
    /// or edited the workflow; "any" allows everyone; "none" nobody).
    #[wasm_bindgen(constructor)]
    pub fn new(storage: JsValue, options: JsValue) -> Result<Pilot, JsValue> {
        let spec = from_js(&strip_functions(&options))?;
        let caller = str_field(&spec, "caller");
        let approve_mode = host::approve_mode_from_value(spec.get("approveMode"))
            .map_err(|e| errors::to_js(&e))?
            .unwrap_or(ApproveMode::Others);
        let options = JsOptions::parse(&options)?;
        let backend = if storage.is_null() || storage.is_undefined() {
            Backend::Memory(MemoryStore::new())
        } else {
            Backend::Js(JsStorage::new(storage.dyn_into().map_err(|_| errors::invalid("storage must be an object"))?)?)
        };
        Ok(Pilot { driver: Driver::new(backend), caller, approve_mode, options })
    }

    /// Every record of the in-memory store (redacted, as stored), for an export; with host
    /// storage, the host's `list()` already has them.
    #[wasm_bindgen(js_name = exportRecords)]
    pub fn export_records(&self) -> Result<JsValue, JsValue> {
        match self.driver.store() {
            Backend::Memory(m) => {
                let list: Vec<Value> = m.records().map(Workflow::to_value).collect();
                to_js(&list)
            }
            Backend::Js(_) => {
                Err(errors::invalid("exportRecords() is for the in-memory store; call your storage's list()"))
            }
        }
    }

    fn env(&self) -> Env {
        crate::env::env(&self.caller)
    }

    /// A new record made by the core's record API (`op`), stored.
    fn create(&mut self, op: &str, args: Value) -> Result<JsValue, JsValue> {
        let args = match args {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let wf = ops::record_api::create(op, &args, &self.env()).map_err(thrown)?;
        record_js(self.driver.create(wf).map_err(thrown)?)
    }

    /// A workflow from a template, stored. `customTemplates`: `[{document, fileName}]`.
    #[wasm_bindgen(js_name = createFromTemplate)]
    pub fn create_from_template(&mut self, name: JsValue, args: JsValue, customs: JsValue) -> Result<JsValue, JsValue> {
        let name = text_of(&name, "name")?;
        let args = json!({"name": name, "args": from_js(&args)?, "custom_templates": from_js(&customs)?});
        self.create("create_from_template", args)
    }

    /// A custom workflow from step objects, stored (refused when a step needs a gate).
    #[wasm_bindgen(js_name = createWorkflow)]
    pub fn create_workflow(&mut self, name: JsValue, description: JsValue, steps: JsValue) -> Result<JsValue, JsValue> {
        let (name, description) = (text_of(&name, "name")?, text_of(&description, "description")?);
        self.create("create_workflow", json!({"name": name, "description": description, "steps": from_js(&steps)?}))
    }

    /// A draft that records only the goal; `updateDraft` adds steps, `confirmDraft` freezes them.
    #[wasm_bindgen(js_name = designDraft)]
    pub fn design_draft(&mut self, goal: JsValue, constraints: JsValue) -> Result<JsValue, JsValue> {
        let (goal, constraints) = (text_of(&goal, "goal")?, text_of(&constraints, "constraints")?);
        self.create("design_draft", json!({"goal": goal, "constraints": constraints}))
    }

    /// `changes`: `{name?, description?, steps?}`.
    #[wasm_bindgen(js_name = updateDraft)]
    pub fn update_draft(&mut self, id: JsValue, changes: JsValue) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        let c = match from_js(&changes)? {
            Value::Null => Value::Object(Map::new()),
            v @ Value::Object(_) => v,
            _ => return Err(errors::invalid("changes is an object: {name?, description?, steps?}")),
        };
        let (env, opts) = (self.env(), Options::agent());
        let (name, description) = (str_field(&c, "name"), str_field(&c, "description"));
        let steps = c.get("steps").cloned().unwrap_or(Value::Null);
        let mut host = DriverHost { driver: &mut self.driver, opts: &opts };
        ops::update_draft(&mut host, id, &name, &description, &steps, &env).map_err(thrown)?;
        record_js(self.driver.get(id).map_err(thrown)?)
    }

    #[wasm_bindgen(js_name = confirmDraft)]
    pub fn confirm_draft(&mut self, id: JsValue) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        let env = self.env();
        let wf = self.driver.update(id, |wf| engine::confirm_draft(wf, &env)).map_err(thrown)?;
        record_js(wf)
    }

    /// Stores a record from elsewhere (an export, another store): validated first (older
    /// rows upgraded), refused when its history does not support it (a gate passed with no
    /// approval in its audit log: `forged_approval`; a state its steps contradict:
    /// `inconsistent_record`; older than the stored copy: `stale_record`), then saved over the
    /// stored revision of its id, or as new.
    #[wasm_bindgen(js_name = importRecord)]
    pub fn import_record(&mut self, record: JsValue) -> Result<JsValue, JsValue> {
        let wf = crate::engine::record_from(&record)?;
        let stored = match self.driver.get(&wf.id) {
            Ok(stored) => Some(stored),
            Err(PilotError::NotFound { .. }) => None,
            Err(e) => return Err(thrown(e)),
        };
        ops::check_import(&wf, stored).map_err(thrown)?;
        record_js(self.driver.put(wf).map_err(thrown)?)
    }

    /// The record (this `Pilot`'s working copy, read from storage on first use).
    pub fn get(&mut self, id: JsValue) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        record_js(self.driver.get(id).map_err(thrown)?)
    }

    /// get_workflow_status's answer.
    pub fn status(&mut self, id: JsValue) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        answer_js(ops::status_response(self.driver.get(id).map_err(thrown)?))
    }

    pub fn review(&mut self, id: JsValue) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        to_js(&pilot_core::safety::review::review(self.driver.get(id).map_err(thrown)?))
    }

    /// Runs to the next checkpoint, after run_workflow's checks (refused with `gate_missing` or
    /// `review_blocked` — `details` is the reason and the fix — when review finds a step that
    /// needs a gate; `force` overrides the review for built-in templates only).
    pub fn run(&mut self, id: JsValue, force: bool) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        let env = self.env();
        let out =
            self.options.with(|o| ops::run(&mut DriverHost { driver: &mut self.driver, opts: o }, id, force, &env));
        answer_js(out.map_err(thrown)?)
    }

    /// For a host that starts over after a crash: the steps this workflow had handed out and
    /// not had reported are marked `interrupted` (nobody knows whether they took effect) and
    /// the workflow fails. Without a step in flight nothing changes. A live host never needs
    /// it: a repeated `run` returns the outstanding requests unchanged.
    pub fn recover(&mut self, id: JsValue) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        let wf = self.driver.get(id).map_err(thrown)?;
        if !engine::needs_recovery(wf) {
            return to_js(&json!({"id": wf.id, "state": wf.state.as_str(), "checkpoint": null}));
        }
        let env = self.env();
        let out = self.driver.apply(id, |wf| engine::recover(wf, &env)).map(|(t, wf)| host::summary_value(wf, &t));
        answer_js(out.map_err(thrown)?)
    }

    /// Reports the outcome of a dispatched step: `{returned}`, `{raised}`, `{unknown}`, `{toolResult}`.
    pub fn report(&mut self, id: JsValue, index: JsValue, outcome: JsValue) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        let env = self.env();
        let reported = reported_from(&from_js(&outcome)?)?;
        let index = host::step_index_from_value(&from_js(&index)?).map_err(thrown)?;
        let out = self
            .options
            .with(|o| self.driver.report(id, index, reported, &env, o).map(|(t, wf)| host::summary_value(wf, &t)));
        answer_js(out.map_err(thrown)?)
    }

    /// Approves the pending gate as `approver` (recorded in the audit log), under this
    /// Pilot's separation of duties (code `approval_refused`), and runs on — or, with `hold`,
    /// stops at the approval: the workflow is `pending` again for whoever performs its steps.
    pub fn approve(
        &mut self,
        id: JsValue,
        approver: JsValue,
        acknowledge_not_executed: bool,
        hold: bool,
    ) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        let approver = &text_of(&approver, "approver")?;
        let env = crate::env::env(if approver.is_empty() { &self.caller } else { approver });
        let check = ApproverCheck::Mode(self.approve_mode);
        let a = ApproveArgs { approver, caller: None, check, acknowledge_not_executed, hold };
        let out =
            self.options.with(|o| ops::approve(&mut DriverHost { driver: &mut self.driver, opts: o }, id, a, &env));
        answer_js(out.map_err(thrown)?)
    }

    /// Rejects the pending gate: the workflow is cancelled with `reason` (no step past the
    /// gate ever runs); the answer's `blast_radius` says what earlier steps left in place.
    pub fn reject(&mut self, id: JsValue, rejecter: JsValue, reason: JsValue) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        let (rejecter, reason) = (&text_of(&rejecter, "rejecter")?, &text_of(&reason, "reason")?);
        let env = crate::env::env(if rejecter.is_empty() { &self.caller } else { rejecter });
        let opts = Options::agent();
        let out = ops::reject(&mut DriverHost { driver: &mut self.driver, opts: &opts }, id, rejecter, reason, &env);
        answer_js(out.map_err(thrown)?)
    }

    /// Without `confirm`: `{preview}` (`{action: "preview", blast_radius, ...}`), nothing
    /// changed. With it: refused (code `radius_refused`) while blockers or unacknowledged
    /// unmeasured effects remain, else the rollback starts (in host mode the undos come back
    /// as dispatch checkpoints).
    pub fn rollback(
        &mut self,
        id: JsValue,
        confirm: bool,
        acknowledge_unknown_effects: bool,
    ) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        let env = self.env();
        undo_js(self.options.with(|o| {
            ops::rollback(
                &mut DriverHost { driver: &mut self.driver, opts: o },
                id,
                confirm,
                acknowledge_unknown_effects,
                &env,
            )
        }))
    }

    /// Like `rollback`: `{preview}` without `confirm`, the cancel with it.
    pub fn cancel(
        &mut self,
        id: JsValue,
        reason: JsValue,
        confirm: bool,
        acknowledge_unknown_effects: bool,
    ) -> Result<JsValue, JsValue> {
        let id = &id_of(&id)?;
        let reason = &text_of(&reason, "reason")?;
        let env = self.env();
        let opts = Options::agent();
        let mut host = DriverHost { driver: &mut self.driver, opts: &opts };
        undo_js(ops::cancel(&mut host, id, reason, confirm, acknowledge_unknown_effects, &env))
    }

    /// `[{id, type, state, created_at, updated_at}]`, newest first; `active` leaves out
    /// completed, failed and cancelled workflows.
    pub fn list(&mut self, active: bool) -> Result<JsValue, JsValue> {
        let filter = if active { ListFilter::Active } else { ListFilter::All { limit: None } };
        let rows: Vec<Value> = self.driver.list(filter).map_err(thrown)?.iter().map(|s| s.to_value()).collect();
        to_js(&rows)
    }

    pub fn delete(&mut self, id: JsValue) -> Result<bool, JsValue> {
        let id = &id_of(&id)?;
        self.driver.delete(id).map_err(thrown)
    }

    /// Drops the working copy of `id`: the next call reads the storage again.
    pub fn forget(&mut self, id: JsValue) {
        let Ok(id) = id_of(&id) else { return };
        let id = &id;
        self.driver.forget(id);
    }
}
