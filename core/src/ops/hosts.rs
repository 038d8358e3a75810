//! The hosts the core itself provides for [`super::Host`]: over a [`Driver`] (any storage,
//! write-ahead, revisions) and over one record handed in (the record-in/record-out API).

use serde_json::{json, Value};

use super::{Act, Host};
use crate::engine::{self, Options, Transition};
use crate::env::Env;
use crate::error::PilotError;
use crate::record::{Changes, Live, Workflow};
use crate::storage::{Driver, Storage};

/// Performs `act` on `wf` with the engine.
pub fn perform(wf: &mut Workflow, act: &Act, env: &Env, opts: &Options) -> Result<Transition, PilotError> {
    match act {
        Act::Run => engine::run(wf, env, opts),
        Act::Approve { approver, acknowledge_not_executed, hold: false } => {
            engine::approve(wf, env, approver, *acknowledge_not_executed, opts)
        }
        Act::Approve { approver, acknowledge_not_executed, hold: true } => {
            engine::approve_and_hold(wf, env, approver, *acknowledge_not_executed)
        }
        Act::Rollback => engine::rollback(wf, env, opts),
        Act::Cancel { reason } => engine::cancel(wf, env, reason),
    }
}

/// A host over a [`Driver`]: each act is saved (with the revision it replaces) before its
/// answer — `{id, state, checkpoint, ...}` ([`crate::host::summary_value`]) — is returned.
pub struct DriverHost<'a, 'o, S: Storage> {
    pub driver: &'a mut Driver<S>,
    pub opts: &'a Options<'o>,
}

impl<S: Storage> Host for DriverHost<'_, '_, S> {
    fn load(&mut self, id: &str) -> Result<Option<Workflow>, PilotError> {
        match self.driver.get(id) {
            Ok(wf) => Ok(Some(wf.clone())),
            Err(PilotError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn save(&mut self, wf: &Workflow, changes: &Changes) -> Result<(), PilotError> {
        self.driver.update(&wf.id, |stored| {
            *stored = wf.clone();
            Ok(changes.clone())
        })?;
        Ok(())
    }

    fn act(&mut self, wf: Option<Workflow>, act: Act, env: &Env) -> Result<Value, PilotError> {
        // the working copy is the loaded record with any saved edit: act on it in place
        let id = wf.map(|w| w.id).unwrap_or_default();
        let opts = self.opts;
        let (t, stored) = self.driver.apply(&id, |w| perform(w, &act, env, opts))?;
        Ok(crate::host::summary_value(stored, &t))
    }
}

/// A host over one record: loads it (whatever id is asked for — the caller handed it in),
/// keeps what was done to it, and answers `{record, checkpoint, response}`.
pub struct RecordHost<'a, 'o> {
    pub record: Option<Workflow>,
    pub opts: &'a Options<'o>,
}

impl Host for RecordHost<'_, '_> {
    fn load(&mut self, _id: &str) -> Result<Option<Workflow>, PilotError> {
        Ok(self.record.take())
    }

    fn save(&mut self, wf: &Workflow, _changes: &Changes) -> Result<(), PilotError> {
        self.record = Some(wf.clone());
        Ok(())
    }

    fn act(&mut self, wf: Option<Workflow>, act: Act, env: &Env) -> Result<Value, PilotError> {
        let mut wf = wf.ok_or_else(|| PilotError::InvalidArgument { message: "record is required".into() })?;
        let t = perform(&mut wf, &act, env, self.opts)?;
        let answer =
            json!({"record": Live(&wf), "checkpoint": crate::host::checkpoint_value(&t), "response": t.response(&wf)});
        self.record = Some(wf);
        Ok(answer)
    }
}
