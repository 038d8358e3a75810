//! What a transition changed in a record, so that a store can write only that (the
//! in-memory store does; a store of whole rows may ignore it). Keeping per-step cost flat
//! as workflows grow depends on it.

/// The parts of a record a transition touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Everything may have changed (a new record, steps added or removed): write it whole.
    pub all: bool,
    /// Positions of the steps that changed, ascending, without duplicates.
    pub steps: Vec<usize>,
    /// Audit entries from this position on are new.
    pub audit_from: usize,
    /// `rollback_results` was replaced or grew.
    pub rollback_results: bool,
}

impl Changes {
    /// Nothing changed yet; new audit entries will start after `audit_len`.
    pub fn since(audit_len: usize) -> Self {
        Changes { audit_from: audit_len, ..Default::default() }
    }

    /// A record that must be written whole.
    pub fn whole() -> Self {
        Changes { all: true, ..Default::default() }
    }

    pub fn step(&mut self, pos: usize) {
        if let Err(at) = self.steps.binary_search(&pos) {
            self.steps.insert(at, pos);
        }
    }

    pub fn merge(&mut self, other: &Changes) {
        self.all |= other.all;
        for &p in &other.steps {
            self.step(p);
        }
        self.audit_from = self.audit_from.min(other.audit_from);
        self.rollback_results |= other.rollback_results;
    }
}
