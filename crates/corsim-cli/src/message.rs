//! `corsim explain --message 'TEXT'`: start from the console error the user
//! has. Read it back (`corsim::console::parse`), say what the browser did and
//! why, run the scenario it implies through `explain` so the fix is verified,
//! name the facts the message leaves out that would change the fix (and the
//! command that finds them), and print the scenario line.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use corsim::console::facts::{Check, Facts, Implied, MessageReport};
use corsim::console::parse::Parser;
use corsim::console::facts::Rerun;
use corsim::explain::{explain_in, Explanation, TextStyle};
use corsim::scenario::Scenario;
use corsim::{Browser, Origin, PreflightCache, Profile, Timestamp};
use serde_json::{json, Value};

use crate::ui::{color, BadInput};

/// What `--message` was given.
pub(crate) struct Options {
    /// The text, or `-` for standard input.
    pub(crate) message: String,
    /// `--origin`: the page's origin, when the message does not name it.
    pub(crate) origin: Option<String>,
    /// `--credentials include`: the request sends credentials.
    pub(crate) credentials_included: bool,
    /// `--profile`: the browser, when the message does not say.
    pub(crate) profile: Option<&'static Profile>,
    /// `--server`: the configurations to show (library names); empty for all.
    pub(crate) servers: Vec<&'static str>,
    /// `--json`.
    pub(crate) json: bool,
}

/// One run of the implied scenario.
struct Run {
    implied: Implied,
    explanation: Explanation,
    /// What the simulation reports.
    rerun: Rerun,
}

fn run(facts: &Facts, profile: &Profile) -> Result<Run, String> {
    let implied = facts.scenario()?;
    let scenario = Scenario::from_value(&implied.line).map_err(|e| format!("the implied scenario is unreadable: {e}"))?;
    let step = &scenario.steps[0];
    let explanation = explain_in(
        profile,
        scenario.origin.clone(),
        &scenario.page,
        &step.request,
        &mut PreflightCache::new(),
        Timestamp::ZERO,
        |r| scenario.answer(r),
    );
    let rerun = implied.rerun(Some(profile)).map_err(|e| format!("the implied scenario is unreadable: {e}"))?;
    Ok(Run { implied, explanation, rerun })
}

/// The fix's changes to the server's answers, comparable across runs.
fn fix_changes(e: &Explanation) -> Vec<String> {
    let Some(fix) = &e.fix else { return Vec::new() };
    let mut out = Vec::new();
    for p in &fix.patches {
        let target = if p.preflight { "preflight" } else { "response" };
        if let Some(s) = &p.status {
            out.push(format!("{target}: status {}", s.to));
        }
        out.extend(p.headers.iter().map(|c| format!("{target}: {c}")));
    }
    out.sort();
    out
}

/// The unknown facts that change the fix: each one's alternative, and what it changes.
fn facts_that_matter(facts: &Facts, profile: &Profile, base: &Run) -> Vec<String> {
    let mut out = Vec::new();
    if facts.origin.is_none() {
        out.push("the page's origin: the fix names it in Access-Control-Allow-Origin".to_owned());
    }
    let assumed = |fact: &str| base.implied.unknown.iter().any(|u| u.fact.starts_with(fact));
    let mut alternatives: Vec<(&str, &str, Facts)> = Vec::new();
    if !facts.credentials_included {
        alternatives.push((
            "whether the request sends credentials",
            "it does (credentials: 'include')",
            Facts { credentials_included: true, ..facts.clone() },
        ));
    }
    if assumed("what made the browser send a preflight") {
        // Another trigger: a method, or (the method being known) a header.
        alternatives.push(match &facts.method {
            None => ("the request's method and headers", "the method is PUT, say", Facts { method: Some("PUT".to_owned()), ..facts.clone() }),
            Some(_) => (
                "the request's headers",
                "it sends Authorization, say",
                Facts { header: Some("Authorization".to_owned()), ..facts.clone() },
            ),
        });
    }
    if facts.at_preflight.is_none() && !matches!(facts.check, Some(Check::SameOriginMode)) {
        alternatives.push((
            "whether a preflight was sent",
            "one was (the request is not a simple one)",
            Facts { at_preflight: Some(true), ..facts.clone() },
        ));
    }
    let changes = fix_changes(&base.explanation);
    for (fact, case, alternative) in alternatives {
        if let Ok(other) = run(&alternative, profile) {
            let theirs = fix_changes(&other.explanation);
            let added: Vec<&String> = theirs.iter().filter(|c| !changes.contains(c)).collect();
            if !added.is_empty() || theirs.len() != changes.len() {
                let what: Vec<String> = added.iter().map(|c| c.to_string()).collect();
                out.push(if what.is_empty() {
                    format!("{fact}: if {case}, the fix differs")
                } else {
                    format!("{fact}: if {case}, the fix also needs {}", what.join("; "))
                });
            }
        }
    }
    out
}

/// `corsim probe` with the implied request, to find what the message leaves out.
fn probe_command(line: &Value, profile: &Profile, origin_known: bool) -> String {
    let request = &line["steps"][0]["request"];
    let quote = |s: &str| {
        if s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c)) {
            s.to_owned()
        } else {
            format!("'{}'", s.replace('\'', r"'\''"))
        }
    };
    let mut cmd = format!("corsim probe {}", quote(request["url"].as_str().unwrap_or_default()));
    let origin = if origin_known { line["origin"].as_str().unwrap_or_default().to_owned() } else { "YOUR-PAGE-ORIGIN".to_owned() };
    cmd.push_str(&format!(" --origin {}", quote(&origin)));
    let method = request["method"].as_str().unwrap_or("GET");
    if method != "GET" {
        cmd.push_str(&format!(" -X {method}"));
    }
    for h in request["headers"].as_array().into_iter().flatten() {
        if let (Some(n), Some(v)) = (h[0].as_str(), h[1].as_str()) {
            cmd.push_str(&format!(" -H {}", quote(&format!("{n}: {v}"))));
        }
    }
    if request["credentials"] == "include" {
        cmd.push_str(" --credentials include");
    }
    cmd.push_str(&format!(" --profile {}", profile.browser.name()));
    cmd
}

fn read_message(message: &str) -> Result<String, BadInput> {
    if message != "-" {
        return Ok(message.to_owned());
    }
    let mut text = String::new();
    io::stdin().read_to_string(&mut text).map_err(|e| BadInput(format!("--message -: cannot read standard input: {e}")))?;
    Ok(text)
}

/// A reason name to put in a sentence: WebKit's (a whole message) quoted.
fn quoted(reason: &str) -> String {
    if reason.contains(' ') {
        format!("\"{reason}\"")
    } else {
        reason.to_owned()
    }
}

fn browser_name(b: Browser) -> &'static str {
    match b {
        Browser::Chromium => "Chromium",
        Browser::Firefox => "Firefox",
        Browser::WebKit => "WebKit",
        Browser::Spec => "the Fetch standard",
    }
}

pub(crate) fn explain_message(o: Options) -> ExitCode {
    match explain_message_inner(o) {
        Ok(code) => code,
        Err(BadInput(message)) => {
            eprintln!("corsim explain: {message}");
            ExitCode::from(2)
        }
    }
}

fn explain_message_inner(o: Options) -> Result<ExitCode, BadInput> {
    let text = read_message(&o.message)?;
    // A text several browsers write word for word is `--profile`'s.
    let told = o.profile.map(|p| p.browser).filter(|b| *b != Browser::Spec);
    let reading = Parser::new().read_from(&text, told);
    if reading.messages.is_empty() {
        let shown: String = text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(80).collect();
        return Err(BadInput(format!(
            "--message: no console message corsim knows in '{shown}' (paste the whole message the console shows, e.g. \"Access to fetch at … has been blocked by CORS policy: …\")"
        )));
    }
    let mut facts = reading.facts();
    if let Some(origin) = &o.origin {
        let page = Origin::parse(origin).map_err(|e| BadInput(format!("--origin '{origin}': {}", e.message)))?;
        if let Some(said) = facts.origin.as_deref().filter(|s| *s != page.serialize()) {
            return Err(BadInput(format!("--origin '{origin}': the message names the page's origin '{said}'")));
        }
        facts.origin = Some(page.serialize().to_owned());
    }
    facts.credentials_included |= o.credentials_included;
    let browser = facts.browser.unwrap_or(Browser::Chromium);
    let profile = o.profile.unwrap_or(browser.profile());
    let style = if color() && !o.json { TextStyle::Ansi } else { TextStyle::Plain };

    let mut run = run(&facts, profile);
    if let (Ok(r), false) = (&mut run, o.servers.is_empty()) {
        if let Some(fix) = r.explanation.fix.as_mut() {
            fix.configs.retain(|c| o.servers.iter().any(|s| c.library == *s));
        }
    }
    let not_cors = facts.check.as_ref().and_then(Check::not_cors);
    let matters = match (&run, &facts.check) {
        // Not CORS: no CORS fact changes the fix.
        _ if not_cors.is_some() => Vec::new(),
        (Ok(r), _) => facts_that_matter(&facts, profile, r),
        (Err(_), Some(Check::SchemeNotSupported)) => Vec::new(),
        (Err(_), _) => vec!["what happened to the request: the message does not say".to_owned()],
    };
    let reproduced = run.as_ref().ok().map(|r| facts.reproduced_by(&r.rerun));

    if o.json {
        let mut value = serde_json::to_value(MessageReport::new(&reading, facts.clone())).unwrap_or_default();
        value["reproduced"] = json!(reproduced);
        value["explanation"] = run.as_ref().ok().map(|r| serde_json::to_value(&r.explanation).unwrap_or_default()).unwrap_or(Value::Null);
        value["missing"] = json!(matters);
        value["probe"] = json!(run.as_ref().ok().map(|r| probe_command(&r.implied.line, profile, facts.origin.is_some())));
        let mut stdout = io::stdout().lock();
        let _ = writeln!(stdout, "{value}");
        return Ok(ExitCode::from(1));
    }

    let mut out = String::new();
    let bold = |s: &str| if style == TextStyle::Ansi { format!("\x1b[1m{s}\x1b[0m") } else { s.to_owned() };
    out.push_str(&bold(&format!("corsim explain --message ({})", browser.name())));
    out.push('\n');
    let writer = if facts.could_be.is_empty() {
        browser_name(browser).to_owned()
    } else {
        facts.could_be.iter().map(|b| browser_name(*b)).collect::<Vec<_>>().join(" or ")
    };
    out.push_str(&format!("\n{}\n", bold(&format!("Read from {writer} {}", if reading.messages.len() == 1 { "message" } else { "messages" }))));
    let row = |out: &mut String, k: &str, v: &str| out.push_str(&format!("  {k:<10}{v}\n"));
    if !facts.could_be.is_empty() {
        let names: Vec<&str> = facts.could_be.iter().map(|b| browser_name(*b)).collect();
        row(
            &mut out,
            "browser",
            &format!(
                "{} (the text is the same word for word; read as {}'s: pass --profile to say which)",
                names.join(" or "),
                browser_name(browser)
            ),
        );
    }
    if let Some(i) = &facts.initiator {
        row(&mut out, "initiator", i);
    }
    if let Some(first) = &facts.first_url {
        row(&mut out, "request", first);
        row(&mut out, "redirected", facts.url.as_deref().unwrap_or("?"));
    } else if let Some(url) = &facts.url {
        row(&mut out, "request", url);
    }
    let origin_note = match (&facts.origin, &o.origin) {
        (Some(_), Some(_)) => " (--origin)",
        _ => "",
    };
    row(&mut out, "page", &facts.origin.as_deref().map_or("not in the message".to_owned(), |p| format!("{p}{origin_note}")));
    let reason = match (&facts.reason_name, &not_cors) {
        (Some(name), Some((what, _))) => format!("{name} ({what})"),
        (Some(name), None) => name.clone(),
        (None, Some((what, _))) => what.clone(),
        (None, None) => "none named".to_owned(),
    };
    row(&mut out, "reason", &reason);
    let mut implies = Vec::new();
    let about_an_answer = facts.check.as_ref().is_some_and(|c| c.order() > 0);
    match facts.at_preflight {
        Some(true) => implies.push("a preflight was sent, and its answer failed".to_owned()),
        Some(false) if about_an_answer && browser != Browser::WebKit => {
            implies.push("the request's own answer failed (not a preflight)".to_owned())
        }
        _ => {}
    }
    if let Some(s) = facts.status {
        implies.push(format!("status {s}"));
    }
    if facts.credentials_included {
        implies.push("credentials were included".to_owned());
    }
    if let Some(to) = &facts.redirected_to {
        implies.push(format!("a redirect to {to}"));
    } else if facts.redirected && facts.first_url.is_none() {
        implies.push("a redirect".to_owned());
    }
    if let Some(m) = &facts.method {
        implies.push(format!("method {m}"));
    }
    if !implies.is_empty() {
        row(&mut out, "implies", &implies.join("; "));
    }
    for u in &reading.unrecognized {
        row(&mut out, "ignored", u);
    }

    out.push_str(&format!("\n{}\n", bold("What happened")));
    for s in facts.story() {
        out.push_str(&format!("  {s}\n"));
    }
    // Without a run, explain's Fix section is missing: the check's own fix.
    if let (Some((what, fix)), Err(_)) = (&not_cors, &run) {
        out.push_str(&format!("\n{}\n  {fix}\n", bold(&format!("{}{} (no CORS header changes this)", what[..1].to_uppercase(), &what[1..]))));
    }

    match &run {
        Err(why) => {
            out.push_str(&format!("\n{}\n  {why}\n", bold("No scenario")));
        }
        Ok(r) => {
            if !r.implied.unknown.is_empty() {
                out.push_str(&format!("\n{}\n", bold("Not in the message (assumed)")));
                for u in &r.implied.unknown {
                    out.push_str(&format!("  - {}: {}\n", u.fact, u.assumed));
                }
            }
            out.push_str(&format!("\n{}\n", bold("Simulated")));
            let name = browser_name(profile.browser);
            let reported = |reason: Option<&str>, blocked: Option<String>| match (reason, blocked) {
                (Some(reason), _) => quoted(reason),
                (None, Some(gate)) => gate,
                (None, None) => "no CORS error".to_owned(),
            };
            let said = match &facts.check {
                Some(Check::Blocked(gate)) => Some(gate.to_string()),
                _ => None,
            };
            let got = reported(r.rerun.reason_name.as_deref(), r.rerun.blocked.as_ref().map(|g| g.to_string()));
            if reproduced == Some(true) {
                out.push_str(&format!("  ✓ corsim ran the scenario the message implies: {name} reports {got} again.\n"));
            } else {
                out.push_str(&format!(
                    "  ✗ corsim ran the scenario the message implies: {name} reports {got}, not {}.\n",
                    reported(facts.reason_name.as_deref(), said)
                ));
            }
            let text = r.explanation.to_text(style);
            let fix_heading = ["\nFix\n", "\n\x1b[1mFix\x1b[0m\n"];
            if let Some(at) = fix_heading.iter().find_map(|h| text.find(h)) {
                out.push_str(&text[at..]);
            }
        }
    }
    if !matters.is_empty() {
        out.push_str(&format!("\n{}\n", bold("Still missing (these change the fix)")));
        for m in &matters {
            out.push_str(&format!("  - {m}\n"));
        }
        let probe = match &run {
            Ok(r) => Some(probe_command(&r.implied.line, profile, facts.origin.is_some())),
            Err(_) => facts.url.as_ref().map(|url| {
                let line = json!({"origin": facts.origin, "steps": [{"request": {"url": url}}]});
                probe_command(&line, profile, facts.origin.is_some())
            }),
        };
        if let Some(probe) = probe {
            out.push_str("  Ask the server what the browser would, with your request's method, headers and credentials:\n");
            out.push_str(&format!("    {probe}\n"));
        }
    }
    if let Ok(r) = &run {
        out.push_str(&format!("\n{}\n", bold("Scenario (for corsim run, corsim explain --scenario - or the playground)")));
        out.push_str(&format!("  {}\n", r.implied.line));
    }
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
    Ok(ExitCode::from(1))
}
