//! Every console message of every recorded corpus, read back
//! (`corsim::console::parse`): each line is recognized whole as its browser's
//! message; each step's messages, pasted together, give back the browser, the
//! reason as recorded, the URL and (where the message names it) the page's
//! origin; and the scenario they imply, simulated, gives the same reason again.


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
    steps: usize,
    with_origin: usize,
    reproduced: usize,
    no_scenario: usize,
    unnamed: usize,
}

#[test]
fn every_recorded_console_message_reads_back() {
    let parser = Parser::new();
    let mut problems = Vec::new();
    let mut report = Vec::new();
    // The generated public corpora and the WebKit WPT corpus. The Chromium
    // and Firefox WPT corpora are not read back yet: their messages name
    // non-HTTP redirect targets (Chromium's CorsDisabledScheme at mailto:…)
    // and redirects with credentials, which the reader cannot yet turn into
    // a scenario.
    let read_back = |file: &str| file.ends_with("-public.jsonl") || file.starts_with("wpt-webkit-");
    for (file, browser) in manifest().into_iter().filter(|(file, _)| read_back(file)) {
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
                    let r = parser.read(m);
                    if r.messages.is_empty() || !r.unrecognized.is_empty() || r.messages.iter().any(|x| x.browser != browser) {
                        problems.push(format!("{at}: not read whole: {m:?} -> {:?} / {:?}", r.messages.iter().map(|x| x.kind).collect::<Vec<_>>(), r.unrecognized));
                    }
                }
                // The step's lines pasted together.
                c.steps += 1;
                let facts = parser.read(&console.join("\n")).facts();
                if facts.browser != Some(browser) {
                    problems.push(format!("{at}: browser {:?}", facts.browser));
                }
                let recorded = want["cors_error"].as_str();
                if facts.reason_name.as_deref() != recorded {
                    problems.push(format!("{at}: reason {:?}, recorded {recorded:?}", facts.reason_name));
                }
                let request = &raw["steps"][i]["request"]["url"];
                let mut known_urls: Vec<&str> = want["server_saw"].as_array().into_iter().flatten().filter_map(|r| r["url"].as_str()).collect();
                known_urls.extend(request.as_str());
                known_urls.extend(raw["server"].as_object().into_iter().flat_map(|m| m.keys().map(String::as_str)));
                // And where its redirects point (WebKit names a non-HTTP target it could not load).
                let answers = raw["server"].as_object().into_iter().flat_map(|m| m.values()).flat_map(|e| [&e["actual"], &e["preflight"]]);
                let headers = answers.filter_map(|a| a["headers"].as_array()).flatten();
                known_urls.extend(headers.filter(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case("location"))).filter_map(|h| h[1].as_str()));
                let says_url = parser.read(&console.join("\n")).messages.iter().any(|m| m.values.url.is_some());
                // A URL is the scenario's with or without the fragment a `Location` added.
                let known = |u: &str| known_urls.contains(&u.split('#').next().unwrap_or(u));
                match &facts.url {
                    Some(u) if known(u) => {}
                    None if !says_url => {}
                    other => problems.push(format!("{at}: URL {other:?} is none of the scenario's")),
                }
                if let Some(o) = &facts.origin {
                    c.with_origin += 1;
                    if o != scenario.origin.serialize() {
                        problems.push(format!("{at}: origin {o}, recorded {}", scenario.origin));
                    }
                }
                // The implied scenario gives the same reason again.
                match facts.scenario() {
                    Ok(implied) => {
                        let s = match Scenario::from_value(&implied.line) {
                            Ok(s) => s,
                            Err(e) => {
                                problems.push(format!("{at}: implied scenario unreadable: {e}"));
                                continue;
                            }
                        };
                        let got = s.simulate(Some(browser.profile()));
                        if got.steps[0].cors_error.as_deref() == recorded {
                            c.reproduced += 1;
                        } else {
                            problems.push(format!("{at}: implied scenario gives {:?}, recorded {recorded:?}\n    {}", got.steps[0].cors_error, implied.line));
                        }
                    }
                    Err(_) if recorded.is_none() => c.no_scenario += 1,
                    // Firefox's "CORS request did not succeed" alone names no check:
                    // a network error, a refused redirect, … The reading says so.
                    Err(_) if facts.check == Some(Check::DidNotSucceed) => c.unnamed += 1,
                    Err(e) => problems.push(format!("{at}: no scenario ({e}) for reason {recorded:?}")),
                }
            }
        }
        report.push(format!(
            "{file}: {} lines read whole; {} steps: browser, reason and URL of each, origin named in {}; \
             {} implied scenarios give the recorded reason again; no reason named: {} (no CORS error recorded: {})",
            c.lines, c.steps, c.with_origin, c.reproduced, c.unnamed, c.no_scenario
        ));
    }
    eprintln!("{}", report.join("\n"));
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
