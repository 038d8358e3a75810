//! Safety rules: what a step's undo leaves behind, which steps are reads.

pub mod reversibility;
