//! `serve`, `probe`, `audit`, `playground` and `disagreements`: bad input
//! gets a clear message and exit 2 (an unreachable server 3); the disagreement table is built from the
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
    // A server that cannot be reached is not bad input: corsim could not test
    // (3). Port 2 is closed and, unlike port 1, not a port browsers block.
    let (code, _, err) = corsim(&["probe", "http://127.0.0.1:2/", "--origin", "https://app.example", "--timeout", "2"]);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("could not test: GET http://127.0.0.1:2/: cannot connect"), "{err}");
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

/// What a listener got while `probe` ran: a connection, or none.
fn connections_during(listener: &std::net::TcpListener, args: &[&str]) -> (Option<i32>, String, usize) {
    listener.set_nonblocking(true).expect("nonblocking");
    let (code, out, _) = corsim(args);
    let mut accepted = 0;
    while listener.accept().is_ok() {
        accepted += 1;
    }
    (code, out, accepted)
}

#[test]
fn probe_opens_no_connection_the_browser_would_not_open() {
    // A listener on a bad port (the first of these that is free here): the
    // browser never connects to it, and neither does probe, in any profile.
    let bad_ports = [6000u16, 6665, 6666, 6667, 6668, 6669, 10080, 87, 95];
    let Some((listener, port)) =
        bad_ports.iter().find_map(|&p| std::net::TcpListener::bind(("127.0.0.1", p)).ok().map(|l| (l, p)))
    else {
        panic!("none of the bad ports {bad_ports:?} is free on 127.0.0.1");
    };
    let url = format!("http://127.0.0.1:{port}/");
    for profile in ["chromium", "firefox", "webkit"] {
        let (code, out, accepted) =
            connections_during(&listener, &["probe", &url, "--origin", "http://127.0.0.1:8001", "--profile", profile, "--timeout", "2"]);
        assert_eq!(accepted, 0, "{profile}: probe connected to bad port {port}: {out}");
        assert_eq!(code, Some(1), "{profile}: {out}");
        assert!(out.contains("not CORS: a blocked port"), "{profile}: {out}");
    }
    // Mixed content on loopback: WebKit blocks an https: page's fetch of
    // http://127.0.0.1 (Chromium and Firefox exempt loopback, and do connect).
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a free port");
    let url = format!("http://127.0.0.1:{}/", listener.local_addr().unwrap().port());
    let (code, out, accepted) =
        connections_during(&listener, &["probe", &url, "--origin", "https://app.example", "--profile", "webkit", "--timeout", "2"]);
    assert_eq!(accepted, 0, "webkit: probe connected despite mixed content: {out}");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("not CORS: mixed content"), "{out}");
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
fn disagreements_over_every_manifest_corpus() {
    // Each profile's corpora (the generated ones and the WPT ones) make one column.
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/MANIFEST");
    let (code, out, err) = corsim(&["disagreements", "--manifest", manifest]);
    assert_eq!(code, Some(0), "{err}");
    let header = out.lines().next().unwrap_or_default();
    assert!(header.starts_with("| category | scenario | request | Chromium 156"), "{header}");
    assert_eq!(header.matches(" | ").count(), 5, "three browser columns: {header}");
    assert!(header.contains("Firefox 153") && header.contains("WebKitGTK 2.50.6"), "{header}");
    // The WPT scenarios are in: WebKit joins two Location lines, the others refuse them.
    assert!(out.lines().any(|l| l.starts_with("| oddloc | oddloc-0085 |")), "{out}");
    // And the generated ones.
    assert!(out.lines().any(|l| l.starts_with("| cache |")), "{out}");
    // Every scenario is in every column, but those Firefox cannot record
    // (tests/corpus/FORMAT.md): a Local Network Access prompt waits for a user.
    for line in out.lines().filter(|l| l.contains("not recorded")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        assert!(cells[1].starts_with("lna-") && cells[1].ends_with("-prompt"), "{line}");
        assert_eq!(cells.iter().position(|c| *c == "not recorded"), Some(4), "only Firefox's column: {line}");
    }
    // A bad MANIFEST line is named.
    let dir = std::env::temp_dir().join(format!("corsim-manifest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("MANIFEST"), "a.jsonl chromium\nb.jsonl netscape\n").unwrap();
    let bad = dir.join("MANIFEST");
    let (code, _, err) = corsim(&["disagreements", "--manifest", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("line 2"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
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
