//! Safety rules: classification and review, the approval-gate rule, the rollback and cancel
//! blast radius, reversibility, gated companion tools, approval roles, template names.

pub mod blast;
pub mod gate;
pub mod gated;
pub mod identity;
pub mod names;
pub mod reversibility;
pub mod review;
pub mod roles;
