//! Input: bytes read as one scenario line (JSON, `tests/corpus/FORMAT.md`).
//! Checks: reading it gives a scenario or an error naming a field, never a
//! panic; the fast typed reader and the generic one give the same answer; a
//! scenario simulates in every browser, deterministically, and its verdict
//! line serializes.
#![no_main]

use corsim::scenario::{ErrorLine, Scenario};
use corsim::Browser;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = Scenario::parse_bytes(data);
    if let Some(Ok(value)) = std::str::from_utf8(data).ok().map(serde_json::from_str::<serde_json::Value>) {
        let generic = Scenario::from_value(&value);
        assert_eq!(parsed.clone().map_err(|(_, e)| e), generic, "the typed and generic readers differ");
    }
    match parsed {
        Err((id, e)) => {
            assert!(!e.field.is_empty() || !e.message.is_empty(), "an error says what is wrong");
            let line = ErrorLine { id, error: e.to_string() };
            serde_json::to_string(&line).expect("an error line serializes");
        }
        Ok(scenario) => {
            // Keep each input cheap: the engine is linear in steps.
            if scenario.steps.len() > 64 {
                return;
            }
            let first = scenario.simulate(None);
            assert_eq!(first, scenario.simulate(None), "simulation is deterministic");
            serde_json::to_string(&first).expect("a verdict line serializes");
            for b in Browser::ALL {
                let v = scenario.simulate(Some(b.profile()));
                assert_eq!(v.steps.len(), scenario.steps.len(), "one verdict per step");
            }
        }
    }
});
