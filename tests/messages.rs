//! Every console message of every recorded corpus in `corpus/MANIFEST`, read
//! back (`corsim::console::parse`): each line is recognized whole as its
//! browser's message; each step's messages, pasted together, give back the
//! browser, the reason as recorded, the URL and (where the message names it)
//! the page's origin; and the scenario they imply, run, gives the same reason
//! again (and, for a check around CORS, the same check).
//!
//! The only steps without an implied scenario are those whose messages name
//! no cause (Firefox's "CORS request did not succeed" alone: a network
//! error, a refused redirect, an unreadable response, Firefox does not say
//! which; Chromium's network errors), or no URL where the check is the
//! URL's own (Chromium's "Failed to load resource: net::ERR_UNSAFE_PORT",
//! `ERR_INVALID_URL`, `ERR_FILE_NOT_FOUND` alone), or no failure. They are
//! counted, not hidden. (Messages that name no URL otherwise say the same of
//! any URL, and the implied scenario assumes one.)
//!
//! A line whose text two browsers share word for word ("Not allowed to load
//! local resource: …", "Refused to set unsafe header …", Chromium's and
//! WebKit's) names no browser alone: it must read whole as the recorded
//! browser's once told which, and is counted as shared; pasted with the
//! step's other lines, it must read as the recorded browser's untold. A step
//! whose lines are all shared must read as undecided, naming the recorded
//! browser among those it could be, and then as the recorded browser's once
//! told.

use corsim::console::facts::Check;
use corsim::console::parse::Parser;
use corsim::scenario::Scenario;
use serde_json::Value;

#[path = "support/manifest.rs"]
mod manifest;
use manifest::{corpus_dir, manifest};

#[derive(Default, Debug)]
struct Counts {
    lines: usize,
    lines_read: usize,
    shared: usize,
    steps: usize,
    shared_steps: usize,
    with_origin: usize,
    reproduced: usize,
    no_scenario: usize,
    unnamed: usize,
    no_url: usize,
}

/// Every URL a scenario holds: the request's, the scripted server's, those
/// the server saw, and every redirect's `Location` resolved against its URL
/// (as browsers print a redirect target).
fn scenario_urls(raw: &Value, step: usize) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    urls.extend(raw["steps"][step]["request"]["url"].as_str().map(str::to_owned));
    for e in raw["expect"].as_array().into_iter().flatten() {
        urls.extend(e["server_saw"].as_array().into_iter().flatten().filter_map(|r| r["url"].as_str()).map(str::to_owned));
    }
    for (at, entry) in raw["server"].as_object().into_iter().flatten() {
        urls.push(at.clone());
        for answer in [&entry["preflight"], &entry["actual"]] {
            for h in answer["headers"].as_array().into_iter().flatten() {
                if h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case("location")) {
                    let location = h[1].as_str().unwrap_or_default();
                    urls.push(location.to_owned());
                    if let Ok(resolved) = url::Url::parse(at).and_then(|base| base.join(location)) {
                        urls.push(resolved.to_string());
                    }
                }
            }
        }
    }
    urls
}

#[test]
fn every_recorded_console_message_reads_back() {
    let parser = Parser::new();
    let mut problems = Vec::new();
    let mut report = Vec::new();
    for (file, browser) in manifest() {
        let text = std::fs::read_to_string(corpus_dir().join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut c = Counts::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let scenario = Scenario::parse(line).expect("a scenario");
            let raw: Value = serde_json::from_str(line).expect("valid JSON");
            let id = scenario.id.clone().unwrap_or_default();
            for (i, want) in raw["expect"].as_array().expect("expect").iter().enumerate() {
                let console: Vec<&str> = want["console"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
                if console.is_empty() {
                    continue;
                }
                let at = format!("{file} {id} step {i}");
                // Each line alone: one or more messages of this browser, nothing left over.
                for m in &console {
                    c.lines += 1;
                    let whole = |r: &corsim::console::parse::Reading| {
                        !r.messages.is_empty() && r.unrecognized.is_empty() && r.messages.iter().all(|x| x.browser == browser)
                    };
                    let r = parser.read(m);
                    if whole(&r) {
                        c.lines_read += 1;
                    } else if whole(&parser.read_from(m, Some(browser))) {
                        c.shared += 1;
                    } else {
                        problems.push(format!("{at}: not read whole: {m:?} -> {:?} / {:?}", r.messages.iter().map(|x| x.kind).collect::<Vec<_>>(), r.unrecognized));
                    }
                }
                // The step's lines pasted together; when they are all
                // shared word for word, told which browser (as `--profile`
                // tells `corsim explain --message`), after saying which
                // browsers they could be.
                c.steps += 1;
                let pasted = console.join("\n");
                let mut reading = parser.read(&pasted);
                let mut facts = reading.facts();
                if !facts.could_be.is_empty() {
                    if !facts.could_be.contains(&browser) || facts.could_be.len() < 2 {
                        problems.push(format!("{at}: could be {:?}, recorded {browser:?}", facts.could_be));
                    }
                    c.shared_steps += 1;
                    reading = parser.read_from(&pasted, Some(browser));
                    facts = reading.facts();
                    if !facts.could_be.is_empty() {
                        problems.push(format!("{at}: still undecided once told {browser:?}"));
                    }
                }
                if facts.browser != Some(browser) {
                    problems.push(format!("{at}: browser {:?}", facts.browser));
                }
                let recorded = want["cors_error"].as_str();
                if facts.reason_name.as_deref() != recorded {
                    problems.push(format!("{at}: reason {:?}, recorded {recorded:?}", facts.reason_name));
                }
                let known_urls = scenario_urls(&raw, i);
                let says_url = reading.messages.iter().any(|m| m.values.url.is_some());
                match &facts.url {
                    Some(u) if known_urls.contains(u) => {}
                    None if !says_url => {}
                    other => problems.push(format!("{at}: URL {other:?} is none of the scenario's")),
                }
                if let Some(first) = &facts.first_url {
                    if !known_urls.contains(first) {
                        problems.push(format!("{at}: first URL {first:?} is none of the scenario's"));
                    }
                }
                if let Some(o) = &facts.origin {
                    c.with_origin += 1;
                    if o != scenario.origin.serialize() {
                        problems.push(format!("{at}: origin {o}, recorded {}", scenario.origin));
                    }
                }
                // The implied scenario gives the same reason again.
                match facts.scenario() {
                    Ok(implied) => match implied.rerun(Some(browser.profile())) {
                        Ok(rerun) if facts.reproduced_by(&rerun) => c.reproduced += 1,
                        Ok(rerun) => problems.push(format!(
                            "{at}: implied scenario gives {:?} (blocked by {:?}), recorded {recorded:?}\n    {}",
                            rerun.reason_name, rerun.blocked, implied.line
                        )),
                        Err(e) => problems.push(format!("{at}: implied scenario unreadable: {e}")),
                    },
                    // Firefox's "CORS request did not succeed" alone names no
                    // cause, nor does a bare network error; the reading says so.
                    Err(_) if matches!(facts.check, Some(Check::DidNotSucceed | Check::NetworkError(_))) => c.unnamed += 1,
                    Err(_) if recorded.is_none() && facts.check.is_none() => c.no_scenario += 1,
                    // Chromium's "Failed to load resource: net::…" names a
                    // check that is the URL's own (a bad port, a `data:` or
                    // `blob:` URL) but not the URL to rebuild the fetch from.
                    Err(_) if facts.url.is_none() && !says_url && facts.check.is_some() => c.no_url += 1,
                    Err(e) => problems.push(format!("{at}: no scenario ({e}) for reason {recorded:?}")),
                }
            }
        }
        report.push(format!(
            "{file}: {}/{} console lines read back whole ({} more shared word for word with another browser, read whole once told which); {} steps ({} of lines all shared: undecided, then told): browser, reason and URL of each, origin named in {}; \
             {} implied scenarios give the recorded reason again; no scenario: {} name no cause, {} no URL, {} no failure",
            c.lines_read, c.lines, c.shared, c.steps, c.shared_steps, c.with_origin, c.reproduced, c.unnamed, c.no_url, c.no_scenario
        ));
    }
    eprintln!("{}", report.join("\n"));
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
