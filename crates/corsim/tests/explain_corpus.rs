//! Every step of the recorded corpora, explained: script either reads the
//! response, or the explanation carries a fix, and where the fix changes only
//! the server's answers (or the page's call) corsim proves it by running the
//! step again with the fix applied.

#![cfg(feature = "serde")]

use std::collections::BTreeMap;
use std::path::Path;

use corsim::explain::explain_with;
use corsim::scenario::Scenario;
use corsim::{fetch::run, Browser, CorsError, CredentialsMode, FailureKind, PreflightCache, Timestamp};

fn corpus(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_failing_recorded_step_gets_a_fix_that_passes() {
    let mut unfixable: BTreeMap<&str, usize> = BTreeMap::new();
    let mut fixed = 0;
    let mut checked = 0;
    for (file, browser) in [
        ("chromium-156-public.jsonl", Browser::Chromium),
        ("firefox-153-public.jsonl", Browser::Firefox),
        ("webkit-2.50.6-public.jsonl", Browser::WebKit),
    ] {
        for line in corpus(file).lines().filter(|l| !l.trim().is_empty()) {
            let scenario = Scenario::parse(line).expect("the corpus parses");
            let profile = browser.profile();
            let mut cache = PreflightCache::new();
            for (i, step) in scenario.steps.iter().enumerate() {
                let now = Timestamp::from_millis(step.at_ms);
                let before = cache.clone();
                let e = explain_with(profile, scenario.origin.clone(), &step.request, &mut cache, now, |r| scenario.answer(r));
                checked += 1;
                // The explanation tells the engine's own verdict.
                let mut again = before.clone();
                let verdict = run(profile, scenario.origin.clone(), &step.request, &mut again, now, |r| scenario.answer(r));
                assert_eq!(e.console, verdict.console);
                if e.result.readable {
                    assert!(e.fix.is_none());
                    continue;
                }
                let fix = e.fix.expect("a blocked fetch gets a fix");
                if fix.verified == Some(true) {
                    fixed += 1;
                    // Independently: the fix applied through the public API passes.
                    let mut again = before.clone();
                    let init = fix.apply_to_request(&step.request);
                    let v = run(profile, scenario.origin.clone(), &init, &mut again, now, |r| {
                        let mut response = scenario.answer(r);
                        fix.apply_to_response(r, &mut response);
                        response
                    });
                    assert!(v.is_ok(), "{} step {i}: the fix does not pass when applied again", scenario.id.as_deref().unwrap_or(""));
                } else {
                    // No change to the server's answers helps: then the
                    // explanation says why, and what is left is a failure no
                    // header can cure.
                    assert_eq!(fix.verified, Some(false));
                    assert!(!fix.notes.is_empty(), "{} step {i}: no advice", scenario.id.as_deref().unwrap_or(""));
                    let mut again = before.clone();
                    let init = fix.apply_to_request(&step.request);
                    let v = run(profile, scenario.origin.clone(), &init, &mut again, now, |r| {
                        let mut response = scenario.answer(r);
                        fix.apply_to_response(r, &mut response);
                        response
                    });
                    let failure = v.outcome.expect_err("an unverified fix still fails");
                    let left = match &failure.kind {
                        FailureKind::TypeError(_) => "type-error",
                        FailureKind::TooManyRedirects => "too-many-redirects",
                        FailureKind::InvalidRedirectLocation(_) => "invalid-redirect-location",
                        FailureKind::RedirectToNonHttpScheme(_) => "redirect-to-non-http-scheme",
                        FailureKind::EmptyRedirectLocation => "empty-redirect-location",
                        // WebKit refuses a redirect to a URL that is not HTTP(S) in its CORS check.
                        FailureKind::Cors(s) if s.error == CorsError::CorsDisabledScheme => "redirect to a scheme CORS does not support",
                        FailureKind::Cors(_)
                            if scenario.origin.is_opaque() && step.request.credentials == CredentialsMode::Include =>
                        {
                            "credentialed request from a sandboxed page"
                        }
                        other => panic!("{} step {i}: left unfixed: {other:?}", scenario.id.as_deref().unwrap_or("")),
                    };
                    *unfixable.entry(left).or_default() += 1;
                }
            }
        }
    }
    // Most failures are cured by a header change; a few are not header problems.
    assert!(fixed > 600, "only {fixed} of {checked} steps fixed");
    assert!(unfixable.values().sum::<usize>() < 60, "{unfixable:?}");
}
