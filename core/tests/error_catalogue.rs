//! The error catalogue, docs/errors.md and the npm package's `PilotErrorCode` type agree.

use std::collections::BTreeSet;

use pilot_core::error::{catalogue_markdown, CATALOGUE};

fn root(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

#[test]
fn catalogue_docs_and_typescript_agree() {
    let codes: BTreeSet<&str> = CATALOGUE.iter().map(|c| c.0).collect();
    assert_eq!(codes.len(), CATALOGUE.len(), "a code is listed twice");
    let doc = root("docs/errors.md");
    if std::env::var("UPDATE_DOCS").is_ok() {
        std::fs::write(&doc, catalogue_markdown()).unwrap();
    }
    let text = std::fs::read_to_string(&doc).unwrap_or_default();
    assert_eq!(text, catalogue_markdown(), "docs/errors.md is stale: UPDATE_DOCS=1 cargo test --test error_catalogue");
    let dts = std::fs::read_to_string(root("js/index.d.ts")).unwrap();
    let start = dts.find("export type PilotErrorCode =").expect("PilotErrorCode in index.d.ts");
    let body = &dts[start..start + dts[start..].find(';').unwrap()];
    let typed: BTreeSet<&str> = body.split('\'').skip(1).step_by(2).collect();
    assert_eq!(typed, codes, "js/index.d.ts PilotErrorCode differs from the catalogue");
}

#[test]
fn every_error_the_core_makes_has_a_catalogued_code() {
    use pilot_core::PilotError;
    let codes: BTreeSet<&str> = CATALOGUE.iter().map(|c| c.0).collect();
    let v = serde_json::Value::Null;
    let samples = [
        PilotError::NotFound { id: "x".into() },
        PilotError::RecordDamaged { payload: v.clone() },
        PilotError::RecordUnreadable { payload: v.clone() },
        PilotError::GateMissing { payload: v.clone() },
        PilotError::ReviewBlocked { payload: v.clone() },
        PilotError::ApproverNotCaller { payload: v.clone() },
        PilotError::RadiusRefused { payload: v.clone() },
        PilotError::ApprovalGate { payload: v },
        PilotError::RunCancelled { id: "x".into(), state: "cancelled".into() },
        PilotError::InvalidArgument { message: "m".into() },
    ];
    for e in samples {
        assert!(codes.contains(e.code()), "{} is not in the catalogue", e.code());
    }
}
