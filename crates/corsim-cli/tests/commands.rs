//! `serve`, `probe`, `audit`, `playground` and `disagreements`: bad input
//! gets a clear message and exit 2; the disagreement table is built from the
//! recordings.

use std::process::Command;

const CORSIM: &str = env!("CARGO_BIN_EXE_corsim");

fn corsim(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(CORSIM).args(args).output().expect("corsim runs");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn bad_input_is_named_and_exits_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["serve", "/nonexistent/scenarios.jsonl"], "cannot read /nonexistent/scenarios.jsonl"),
        (&["probe", "https://api.example/"], "--origin"),
        (&["probe", "not a url", "--origin", "https://app.example"], "URL 'not a url'"),
        (&["probe", "https://api.example/", "--origin", "https://app.example/path"], "--origin 'https://app.example/path'"),
        (&["probe", "https://api.example/", "--origin", "https://app.example", "-H", "X-A"], "-H 'X-A'"),
        // Port 2 (not a bad port, unlike 1) is closed.
        (&["probe", "http://127.0.0.1:2/", "--origin", "https://app.example", "--timeout", "2"], "could not be reached"),
        (&["audit", "ftp://x/"], "URL 'ftp://x/'"),
        (&["audit", "https://api.example/", "--trust", "nope"], "--trust 'nope'"),
        (&["playground", "--dir", "/nonexistent"], "no index.html in /nonexistent"),
        (&["disagreements", "/nonexistent/a.jsonl", "/nonexistent/b.jsonl"], "cannot read /nonexistent/a.jsonl"),
        (&["disagreements", "only-one.jsonl"], "2"),
    ];
    for (args, needle) in cases {
        let (code, _, err) = corsim(args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err:?} does not name {needle:?}");
    }
}

#[test]
fn probe_never_connects_where_the_browser_would_not() {
    // A bad port and mixed content: the browser sends nothing, so neither does probe.
    let cases: &[(&[&str], &str)] = &[
        (&["probe", "http://127.0.0.1:6000/", "--origin", "http://127.0.0.1:8001", "--timeout", "2"], "not CORS: a blocked port"),
        (&["probe", "http://api.invalid/", "--origin", "https://app.example", "--timeout", "2"], "not CORS: mixed content"),
    ];
    for (args, needle) in cases {
        let (code, out, err) = corsim(args);
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(out.contains(needle) && out.contains("nothing was sent"), "{args:?}: {out}");
    }
}

#[test]
fn disagreements_table_from_the_recordings() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/");
    let files: Vec<String> = ["chromium-156-public.jsonl", "firefox-153-public.jsonl", "webkit-2.50.6-public.jsonl"]
        .iter()
        .map(|f| format!("{dir}{f}"))
        .collect();
    let args: Vec<&str> = std::iter::once("disagreements").chain(files.iter().map(String::as_str)).collect();
    let (code, out, err) = corsim(&args);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("| category | scenario | request | Chromium 156"), "{out}");
    // Firefox re-preflights HEAD and keeps * literal in its cache; WebKit caps Max-Age at 600 s.
    assert!(out.lines().any(|l| l.starts_with("| cache |")), "{out}");
    assert!(out.contains("step(s) where the recorded browsers differ."));
}

#[test]
fn explain_all_browsers_says_where_they_differ() {
    // Firefox does not safelist a non-ASCII Accept value, so it preflights; the
    // server answers preflights 200 without CORS headers.
    let (code, out, err) = corsim(&[
        "explain",
        "https://api.example/items",
        "--origin",
        "https://app.example",
        "-H",
        "Accept: text/\u{e9}",
        "--response-header",
        "Access-Control-Allow-Origin: https://app.example",
        "--all-browsers",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Chromium and WebKit allow this; Firefox blocks it."), "{out}");
    assert!(out.contains("(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."), "{out}");
    let (code, json, _) = corsim(&[
        "explain", "https://api.example/items", "--origin", "https://app.example",
        "--response-header", "Access-Control-Allow-Origin: *", "--credentials", "include", "--all-browsers", "--json",
    ]);
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["summary"], "Every browser blocks it, for the same reason.");
    assert_eq!(v["browsers"].as_object().map(|m| m.len()), Some(3));
}
