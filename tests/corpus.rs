//! Every recorded scenario listed in `corpus/MANIFEST`, run through corsim
//! and compared step by step with what the real browser did: `server_saw`,
//! `result`, `cors_error`, and `console` where recorded. Steps marked
//! `unstable` are skipped; steps listed in `corpus/divergences.txt` must
//! still disagree.

use std::collections::BTreeSet;

use corsim::scenario::Scenario;
use serde_json::Value;

#[path = "support/manifest.rs"]
mod manifest;
use manifest::{corpus_dir, manifest};

fn divergences() -> BTreeSet<(String, usize)> {
    let text = std::fs::read_to_string(corpus_dir().join("divergences.txt")).expect("corpus/divergences.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let id = parts.next().expect("an id").to_owned();
            let step = parts.next().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("bad divergence line {l:?}"));
            (id, step)
        })
        .collect()
}

#[test]
fn recorded_corpora_agree() {
    let expected_divergences = divergences();
    let mut report = Vec::new();
    let mut checked = 0usize;
    for (file, browser) in manifest() {
        let text = std::fs::read_to_string(corpus_dir().join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let scenario = Scenario::parse(line).unwrap_or_else(|(id, e)| panic!("{file}:{} ({id:?}): {e}", n + 1));
            let raw: Value = serde_json::from_str(line).expect("valid JSON");
            let expect = raw["expect"].as_array().unwrap_or_else(|| panic!("{file}:{}: no expect", n + 1));
            let verdict = scenario.simulate(Some(browser.profile()));
            let id = scenario.id.clone().unwrap_or_default();
            for (i, (got, want)) in verdict.steps.iter().zip(expect).enumerate() {
                if want.get("unstable").and_then(Value::as_bool) == Some(true) {
                    continue;
                }
                checked += 1;
                let got = serde_json::to_value(got).expect("verdicts serialize");
                let mut diffs = Vec::new();
                for field in ["server_saw", "result", "cors_error"] {
                    if got[field] != want[field] {
                        diffs.push(format!("  {field}:\n    browser: {}\n    corsim:  {}", want[field], got[field]));
                    }
                }
                if let Some(console) = want.get("console") {
                    if &got["console"] != console {
                        diffs.push(format!("  console:\n    browser: {console}\n    corsim:  {}", got["console"]));
                    }
                }
                let listed = expected_divergences.contains(&(id.clone(), i));
                match (diffs.is_empty(), listed) {
                    (true, true) => report.push(format!("{file} {id} step {i}: listed as a divergence but now agrees")),
                    (false, false) => report.push(format!("{file} {id} step {i}:\n{}", diffs.join("\n"))),
                    _ => {}
                }
            }
        }
    }
    assert!(checked > 0, "no recorded step was checked");
    assert!(report.is_empty(), "{} of {checked} steps disagree:\n{}", report.len(), report.join("\n"));
}

/// `Scenario::parse` reads lines through typed fields first; it must read
/// every recorded line exactly as the generic reader does.
#[test]
fn typed_and_generic_readers_agree() {
    let mut compared = 0;
    for (file, _) in manifest() {
        let text = std::fs::read_to_string(corpus_dir().join(&file)).expect("corpus file");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let fast = Scenario::parse(line).expect("parses");
            let value: Value = serde_json::from_str(line).expect("JSON");
            let generic = Scenario::from_value(&value).expect("reads");
            assert_eq!(fast, generic, "{line}");
            compared += 1;
        }
    }
    assert!(compared > 1000);
}
