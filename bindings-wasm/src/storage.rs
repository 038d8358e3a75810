//! Where a `Pilot` keeps its workflows: the host's synchronous JS callbacks, or the core's
//! in-memory store inside the wasm instance (no record crosses to JS on a save, so a step
//! costs the same whatever the workflow's length).
//!
//! The callbacks contract: `load(id) -> {record, revision} | null`;
//! `save(record, expectedRevision | null) -> revision` (throw an error whose `code` is
//! `"conflict"` when the stored revision is not `expectedRevision`, `"already_exists"` when
//! `expectedRevision` is null and the id is taken); `list() -> records`; `delete(id) -> boolean`.
//! Records handed to `save` are already redacted (secrets masked).
//!
//! Optional fast path, used when present: `loadText(id) -> {text, revision} | null` and
//! `saveText(id, text, expectedRevision) -> revision`, where `text` is the record as
//! vmware-pilot 2.4.0 stores it (the `data` column of `workflows.db`, byte for byte). No
//! object is built on either side, and the text is re-rendered only where the record changed.

use js_sys::{Function, Object, Reflect};
use std::collections::HashMap;

use pilot_core::record::{workflow_from_json, workflow_from_value, Changes, DbJsonCache, Workflow};
use pilot_core::storage::{apply_listing, ListFilter, MemoryStore, Revision, Storage, Summary};
use pilot_core::PilotError;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, parse};

pub enum Backend {
    Js(JsStorage),
    Memory(MemoryStore),
}

impl Storage for Backend {
    fn load(&mut self, id: &str) -> Result<Option<(Workflow, Revision)>, PilotError> {
        match self {
            Backend::Js(s) => s.load(id),
            Backend::Memory(s) => s.load(id),
        }
    }
    fn save(&mut self, wf: &Workflow, expected: Option<Revision>, changes: &Changes) -> Result<Revision, PilotError> {
        match self {
            Backend::Js(s) => s.save(wf, expected, changes),
            Backend::Memory(s) => s.save(wf, expected, changes),
        }
    }
    fn list(&mut self, filter: ListFilter) -> Result<Vec<Summary>, PilotError> {
        match self {
            Backend::Js(s) => s.list(filter),
            Backend::Memory(s) => s.list(filter),
        }
    }
    fn delete(&mut self, id: &str) -> Result<bool, PilotError> {
        match self {
            Backend::Js(s) => s.delete(id),
            Backend::Memory(s) => s.delete(id),
        }
    }
    fn revision(&mut self, id: &str) -> Result<Option<Revision>, PilotError> {
        match self {
            Backend::Js(s) => s.revision(id),
            Backend::Memory(s) => s.revision(id),
        }
    }
}

pub struct JsStorage {
    target: Object,
    text_path: bool,
    /// The storage has `revision(id) -> revision | null` (optional): the stored revision
    /// without the record, asked before every read and transition.
    revision_fn: bool,
    /// Per record: the revision its last save produced, and the rendering cache valid for it.
    rendered: HashMap<String, (Revision, DbJsonCache)>,
}

fn message_of(e: &JsValue) -> String {
    Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"))
}

fn fail(what: &str, e: &JsValue) -> PilotError {
    PilotError::Storage { detail: format!("the storage's {what}() threw: {}", message_of(e)) }
}

fn bad_shape(what: &str, expected: &str) -> PilotError {
    PilotError::Storage { detail: format!("the storage's {what}() must return {expected}") }
}

impl JsStorage {
    pub fn new(target: Object) -> Result<Self, JsValue> {
        for name in ["load", "save", "list", "delete"] {
            if !Reflect::get(&target, &name.into()).map(|f| f.is_function()).unwrap_or(false) {
                return Err(crate::errors::invalid(&format!(
                    "the storage object needs a {name}() function (load, save, list and delete; see the README's \
                     storage section, or use memoryStorage())"
                )));
            }
        }
        let has = |name: &str| Reflect::get(&target, &name.into()).map(|f| f.is_function()).unwrap_or(false);
        let (text_path, revision_fn) = (has("loadText") && has("saveText"), has("revision"));
        Ok(JsStorage { target, text_path, revision_fn, rendered: HashMap::new() })
    }

    /// The stored text of `wf`: re-rendered only where `changes` says, when the last text
    /// this storage rendered for it is the revision `expected` the copy was derived from.
    fn text_of(&mut self, wf: &Workflow, expected: Option<Revision>, changes: &Changes) -> String {
        let (rev, cache) =
            self.rendered.entry(wf.id.clone()).or_insert_with(|| (Revision::MAX, DbJsonCache::default()));
        let changed = if expected == Some(*rev) { changes.clone() } else { Changes::whole() };
        *rev = Revision::MAX; // until the save succeeds
        cache.render(wf, &changed)
    }

    fn call(&self, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
        let f: Function = Reflect::get(&self.target, &name.into())?.dyn_into()?;
        match args {
            [] => f.call0(&self.target),
            [a] => f.call1(&self.target, a),
            [a, b] => f.call2(&self.target, a, b),
            _ => f.call3(&self.target, args[0], args[1], args[2]),
        }
    }
}

fn revision_of(v: &JsValue, what: &str) -> Result<Revision, PilotError> {
    match v.as_f64() {
        Some(r) if r >= 0.0 && r.fract() == 0.0 && r <= 9.0e15 => Ok(r as Revision),
        _ => Err(bad_shape(what, "a revision: a whole number, 0 or more")),
    }
}

impl Storage for JsStorage {
    fn revision(&mut self, id: &str) -> Result<Option<Revision>, PilotError> {
        let (name, out) = if self.revision_fn {
            ("revision", self.call("revision", &[&id.into()]))
        } else if self.text_path {
            ("loadText", self.call("loadText", &[&id.into()]))
        } else {
            ("load", self.call("load", &[&id.into()]))
        };
        let out = out.map_err(|e| fail(name, &e))?;
        if out.is_null() || out.is_undefined() {
            return Ok(None);
        }
        let rev =
            if self.revision_fn { out } else { Reflect::get(&out, &"revision".into()).map_err(|e| fail(name, &e))? };
        revision_of(&rev, name).map(Some)
    }

    fn load(&mut self, id: &str) -> Result<Option<(Workflow, Revision)>, PilotError> {
        if self.text_path {
            let out = self.call("loadText", &[&id.into()]).map_err(|e| fail("loadText", &e))?;
            if out.is_null() || out.is_undefined() {
                return Ok(None);
            }
            let shape = || bad_shape("loadText", "{text, revision} or null");
            let text = Reflect::get(&out, &"text".into()).ok().and_then(|t| t.as_string()).ok_or_else(shape)?;
            let revision = Reflect::get(&out, &"revision".into()).map_err(|e| fail("loadText", &e))?;
            let revision = revision_of(&revision, "loadText").map_err(|_| shape())?;
            return Ok(Some((workflow_from_json(&text)?, revision)));
        }
        let out = self.call("load", &[&id.into()]).map_err(|e| fail("load", &e))?;
        if out.is_null() || out.is_undefined() {
            return Ok(None);
        }
        let record = Reflect::get(&out, &"record".into()).map_err(|e| fail("load", &e))?;
        let revision = Reflect::get(&out, &"revision".into()).map_err(|e| fail("load", &e))?;
        let revision = revision_of(&revision, "load").map_err(|_| bad_shape("load", "{record, revision} or null"))?;
        let value = from_js(&record).map_err(|_| bad_shape("load", "{record, revision} or null"))?;
        Ok(Some((workflow_from_value(value)?, revision)))
    }

    fn save(&mut self, wf: &Workflow, expected: Option<Revision>, changes: &Changes) -> Result<Revision, PilotError> {
        // only redacted records leave: the driver keeps the live copy, secrets included
        let text = self.text_of(wf, expected, changes);
        let expected_js = expected.map(|r| JsValue::from_f64(r as f64)).unwrap_or(JsValue::NULL);
        let saved = if self.text_path {
            self.call("saveText", &[&wf.id.as_str().into(), &text.as_str().into(), &expected_js])
        } else {
            let record = parse(&text).map_err(|e| fail("save", &e))?;
            self.call("save", &[&record, &expected_js])
        };
        match saved {
            Ok(rev) => {
                let rev = revision_of(&rev, "save")?;
                if let Some(entry) = self.rendered.get_mut(&wf.id) {
                    entry.0 = rev;
                }
                Ok(rev)
            }
            Err(e) => {
                let code = Reflect::get(&e, &"code".into()).ok().and_then(|c| c.as_string());
                match code.as_deref() {
                    Some("already_exists") => Err(PilotError::AlreadyExists { id: wf.id.clone() }),
                    Some("conflict") => Err(PilotError::Conflict {
                        id: wf.id.clone(),
                        expected: expected.map_or("none".into(), |r| r.to_string()),
                        found: Reflect::get(&e, &"found".into())
                            .ok()
                            .and_then(|f| f.as_f64())
                            .map_or("another".into(), |f| f.to_string()),
                    }),
                    _ => Err(fail("save", &e)),
                }
            }
        }
    }

    fn list(&mut self, filter: ListFilter) -> Result<Vec<Summary>, PilotError> {
        let out = self.call("list", &[]).map_err(|e| fail("list", &e))?;
        let Value::Array(records) = from_js(&out).map_err(|e| fail("list", &e))? else {
            return Err(bad_shape("list", "an array of records"));
        };
        // Like upstream's listing (which reads columns, not the record), a record that does not
        // load is still listed from its top-level fields; only one without an id is left out.
        let rows = records
            .into_iter()
            .filter_map(|r| match workflow_from_value(r.clone()) {
                Ok(wf) => Some(Summary::of(&wf)),
                Err(_) => raw_summary(&r),
            })
            .collect();
        Ok(apply_listing(rows, filter))
    }

    fn delete(&mut self, id: &str) -> Result<bool, PilotError> {
        self.rendered.remove(id);
        let out = self.call("delete", &[&id.into()]).map_err(|e| fail("delete", &e))?;
        Ok(out.as_bool().unwrap_or(false))
    }
}

fn raw_summary(r: &Value) -> Option<Summary> {
    let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let id = r.get("id").and_then(Value::as_str)?.to_string();
    Some(Summary {
        id,
        workflow_type: text("type"),
        state: text("state"),
        created_at: text("created_at"),
        updated_at: text("updated_at"),
    })
}
