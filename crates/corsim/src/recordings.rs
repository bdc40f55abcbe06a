//! Where browsers disagree, read from their recordings: the same scenarios
//! recorded in several browsers (ids that differ only in their prefix, such
//! as `chr-cache-000351` and `ffx-cache-000351`), step by step. Behind the
//! `serde` feature.
//!
//! ```
//! use corsim::recordings::{disagreements, to_markdown};
//! let chromium = concat!(
//!     r#"{"id":"chr-x-1","origin":"null","steps":[{"at_ms":0,"request":{"url":"http://a/","method":"GET"}}],"server":{},"#,
//!     r#""expect":[{"server_saw":[],"result":{"type":"cors","status":200,"headers":[]},"cors_error":null}]}"#,
//! );
//! let firefox = chromium.replace("chr-", "ffx-").replace(r#"{"type":"cors","status":200,"headers":[]}"#, r#"{"type":"error"}"#);
//! let rows = disagreements(&[("Chromium", chromium.to_string()), ("Firefox", firefox)]).unwrap();
//! assert_eq!(rows.len(), 1);
//! assert!(to_markdown(&["Chromium", "Firefox"], &rows).contains("| x |"));
//! ```

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::InputError;

/// One step on which the recorded browsers did not all do the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    /// The category (the middle of the id: `cache`, `redirect`, …).
    pub category: String,
    /// The id without its browser prefix.
    pub key: String,
    /// The step's index.
    pub step: usize,
    /// What the page asked for, in short.
    pub request: String,
    /// What each browser did, in the order the corpora were given.
    pub outcomes: Vec<String>,
}

/// Compare corpora (label, JSON Lines text) recorded from different browsers.
/// A step disagrees when the browsers' results (type, status, readable
/// headers) or the requests they sent (count, preflights) differ.
pub fn disagreements(corpora: &[(&str, String)]) -> Result<Vec<Disagreement>, InputError> {
    let mut by_key: BTreeMap<String, Vec<Option<Value>>> = BTreeMap::new();
    for (i, (label, text)) in corpora.iter().enumerate() {
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let value: Value = serde_json::from_str(line)
                .map_err(|e| InputError::new(format!("{label} line {}", n + 1), format!("not valid JSON: {e}")))?;
            let id = value["id"]
                .as_str()
                .ok_or_else(|| InputError::new(format!("{label} line {}", n + 1), "id: missing"))?;
            let key = id.split_once('-').map(|(_, k)| k).unwrap_or(id).to_owned();
            let slot = by_key.entry(key).or_insert_with(|| vec![None; corpora.len()]);
            if slot[i].is_some() {
                return Err(InputError::new(format!("{label} line {}", n + 1), format!("id: {id} appears twice")));
            }
            slot[i] = Some(value);
        }
    }
    let mut rows = Vec::new();
    for (key, scenarios) in by_key {
        let Some(first) = scenarios.iter().flatten().next() else { continue };
        let steps = first["steps"].as_array().map(Vec::len).unwrap_or(0);
        for step in 0..steps {
            let outcomes: Vec<String> = scenarios
                .iter()
                .map(|s| match s {
                    Some(s) if !s["expect"][step].is_null() => outcome(&s["expect"][step]),
                    _ => "not recorded".to_owned(),
                })
                .collect();
            let recorded: Vec<&String> = outcomes.iter().filter(|o| *o != "not recorded").collect();
            if recorded.windows(2).all(|w| comparable(w[0]) == comparable(w[1])) {
                continue;
            }
            let category = key.split('-').next().unwrap_or("").to_owned();
            rows.push(Disagreement { category, request: request(first, step), key: key.clone(), step, outcomes });
        }
    }
    Ok(rows)
}

/// The part of an outcome that is compared (the reason's name is not: every
/// browser names reasons its own way).
fn comparable(outcome: &str) -> &str {
    outcome.split(" — ").next().unwrap_or(outcome)
}

fn outcome(expect: &Value) -> String {
    let saw = expect["server_saw"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let preflights = saw.iter().filter(|r| r["method"] == "OPTIONS").count();
    let sent = match (preflights, saw.len() - preflights) {
        (0, 0) => "nothing sent".to_owned(),
        (0, n) => format!("{n} request{}", if n == 1 { "" } else { "s" }),
        (p, n) => format!("{p} preflight{} + {n}", if p == 1 { "" } else { "s" }),
    };
    let result = &expect["result"];
    let kind = result["type"].as_str().unwrap_or("?");
    let shown = if kind == "error" {
        "error".to_owned()
    } else {
        let headers: Vec<&str> =
            result["headers"].as_array().map(|h| h.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        format!("{kind} {} [{}]", result["status"], headers.join(" "))
    };
    match expect["cors_error"].as_str() {
        Some(reason) => format!("{sent}; {shown} — {reason}"),
        None => format!("{sent}; {shown}"),
    }
}

fn request(scenario: &Value, step: usize) -> String {
    let r = &scenario["steps"][step]["request"];
    let mut out = format!("{} {}", r["method"].as_str().unwrap_or("GET"), r["url"].as_str().unwrap_or(""));
    if let Some(headers) = r["headers"].as_array() {
        for h in headers {
            out.push_str(&format!(" +{}", h[0].as_str().unwrap_or("")));
        }
    }
    for (field, default) in [("mode", "cors"), ("credentials", "same-origin"), ("redirect", "follow")] {
        if let Some(v) = r[field].as_str().filter(|v| *v != default) {
            out.push_str(&format!(" {field}={v}"));
        }
    }
    if step > 0 {
        out.push_str(&format!(" (step {}, at {} ms)", step + 1, scenario["steps"][step]["at_ms"]));
    }
    out
}

/// The `FILE PROFILE` lines of a corpus MANIFEST (`tests/corpus/MANIFEST`),
/// in order; blank lines and `#` comments are skipped.
///
/// ```
/// use corsim::{recordings::manifest_entries, Browser};
/// let m = manifest_entries("# corpora\nchromium.jsonl  chromium\nwk.jsonl webkit\n").unwrap();
/// assert_eq!(m, vec![("chromium.jsonl".to_owned(), Browser::Chromium), ("wk.jsonl".to_owned(), Browser::WebKit)]);
/// assert!(manifest_entries("a.jsonl netscape").unwrap_err().to_string().contains("line 1"));
/// ```
pub fn manifest_entries(text: &str) -> Result<Vec<(String, crate::Browser)>, InputError> {
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let file = parts.next().unwrap_or_default();
        let profile = parts.next().unwrap_or_default();
        let browser = crate::Browser::from_name(profile).filter(|_| parts.next().is_none()).ok_or_else(|| {
            InputError::new(
                format!("line {}", n + 1),
                format!("'{line}' is not FILE PROFILE (chromium, firefox, webkit or spec)"),
            )
        })?;
        entries.push((file.to_owned(), browser));
    }
    Ok(entries)
}

/// Render the rows as a Markdown table, one column per browser.
pub fn to_markdown(labels: &[&str], rows: &[Disagreement]) -> String {
    let mut out = format!("| category | scenario | request | {} |\n", labels.join(" | "));
    out.push_str(&format!("|---|---|---|{}\n", "---|".repeat(labels.len())));
    for r in rows {
        let cells: Vec<String> = r.outcomes.iter().map(|o| o.replace('|', "\\|")).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.category,
            r.key,
            r.request.replace('|', "\\|"),
            cells.join(" | ")
        ));
    }
    out
}
