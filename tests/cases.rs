//! Hand-written scenarios (`cases/engine-cases.jsonl`): each `expect` entry
//! gives only the fields it pins down, and those must match. Also checks
//! that every Chromium `CorsError` the engine can produce is reached.

use std::collections::BTreeSet;
use std::path::Path;

use corsim::scenario::Scenario;
use corsim::CorsError;
use serde_json::Value;

#[test]
fn hand_written_cases_hold() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/engine-cases.jsonl");
    let text = std::fs::read_to_string(&path).expect("cases/engine-cases.jsonl");
    let mut failures = Vec::new();
    let mut reached = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let scenario = Scenario::parse(line).unwrap_or_else(|(id, e)| panic!("{id:?}: {e}"));
        let raw: Value = serde_json::from_str(line).expect("JSON");
        let verdict = scenario.simulate(None);
        for (i, (got, want)) in verdict.steps.iter().zip(raw["expect"].as_array().expect("expect")).enumerate() {
            let got = serde_json::to_value(got).expect("serializes");
            if let Some(name) = got["cors_error"].as_str().and_then(CorsError::from_name) {
                reached.insert(name);
            }
            for (field, value) in want.as_object().expect("an object") {
                let matches = if field == "result" && value.get("status").is_none() {
                    got[field]["type"] == value["type"]
                } else {
                    &got[field] == value
                };
                if !matches {
                    failures.push(format!("{:?} step {i} {field}: want {value}, got {}", scenario.id, got[field]));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let unreached: Vec<_> = CorsError::ALL
        .into_iter()
        .filter(|e| !reached.contains(e) && !matches!(e, CorsError::InvalidResponse | CorsError::CorsDisabledScheme))
        .collect();
    assert!(unreached.is_empty(), "no case reaches {unreached:?}");
}
