//! `corsim explain` in each browser's own words: the rejection text per
//! profile, and `--message`, which starts from a pasted console error.
//!
//! Set `UPDATE_SNAPSHOTS=1` to rewrite the files in `tests/snapshots/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn corsim(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_corsim"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the corsim binary runs");
    if let Some(input) = stdin {
        // Small inputs: written whole before corsim answers.
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("stdin written");
    }
    let out = child.wait_with_output().expect("corsim finishes");
    Output {
        code: out.status.code().expect("an exit code"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

fn snapshot(name: &str, actual: &str) {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_SNAPSHOTS=1 to create it)", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{name} differs from its snapshot at line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_SNAPSHOTS=1 rewrites it)",
            line + 1,
            expected.lines().nth(line).unwrap_or(""),
            actual.lines().nth(line).unwrap_or("")
        );
    }
}

#[test]
fn each_profile_rejects_in_its_own_words() {
    for (profile, words) in [
        ("chromium", "TypeError: Failed to fetch"),
        ("firefox", "TypeError: NetworkError when attempting to fetch resource."),
        ("webkit", "TypeError: Load failed"),
    ] {
        let out = corsim(&["explain", "https://api.example/x", "--origin", "https://app.example", "--profile", profile], None);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stdout.contains(&format!("✗ fetch() rejects with {words}\n")), "{profile}:\n{}", out.stdout);
        let json = corsim(&["explain", "https://api.example/x", "--origin", "https://app.example", "--profile", profile, "--json"], None);
        let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(value["result"]["failure"]["rejects_with"], words, "{profile}");
    }
}

/// Pasted messages, each with its snapshot name and the arguments added.
fn pastes() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    vec![
        (
            "message-chromium-preflight",
            "Access to fetch at 'https://api.example.com/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.\nPOST https://api.example.com/items net::ERR_FAILED\nUncaught (in promise) TypeError: Failed to fetch",
            vec!["--server", "express"],
        ),
        (
            "message-chromium-header",
            // Wrapped as a terminal wraps it.
            "Access to XMLHttpRequest at 'https://api.example/me' from origin 'https://app.example' has been\n  blocked by CORS policy: Request header field authorization is not allowed by\n  Access-Control-Allow-Headers in preflight response.",
            vec!["--server", "nginx", "--credentials", "include"],
        ),
        (
            "message-firefox-404",
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404. [Learn More]",
            vec!["--origin", "https://app.example", "--server", "flask"],
        ),
        // Not CORS: each names its check and its fix, and its scenario
        // (with the page context) is refused by the same check again.
        (
            "message-chromium-mixed-content",
            "Mixed Content: The page at 'https://127.0.0.1:8443/' was loaded over HTTPS, but requested an insecure resource 'http://api.test:8102/x'. This request has been blocked; the content must be served over HTTPS.",
            vec![],
        ),
        (
            "message-chromium-local-network-access",
            "Access to fetch at 'http://127.0.0.1:8102/x' from origin 'http://127.0.0.1:8101' has been blocked by CORS policy: Permission was denied for this request to access the `loopback` address space.\nFailed to load resource: net::ERR_FAILED",
            vec![],
        ),
        ("message-chromium-unsafe-port", "GET http://localhost:6000/api net::ERR_UNSAFE_PORT", vec![]),
        (
            "message-webkit-credentials",
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".\nFetch API cannot load https://api.example/me due to access control checks.",
            vec!["--server", "go"],
        ),
    ]
}

#[test]
fn explain_message_snapshots() {
    for (name, paste, extra) in pastes() {
        let mut args = vec!["explain", "--message", paste];
        args.extend(extra.iter().copied());
        let out = corsim(&args, None);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        assert!(out.stdout.contains("✓ corsim ran the scenario the message implies"), "{name}:\n{}", out.stdout);
        snapshot(&format!("{name}.txt"), &out.stdout);
    }
}

#[test]
fn explain_message_from_standard_input_and_as_json() {
    let (_, paste, _) = &pastes()[0];
    let from_stdin = corsim(&["explain", "--message", "-", "--server", "express"], Some(paste));
    let from_arg = corsim(&["explain", "--message", paste, "--server", "express"], None);
    assert_eq!(from_stdin.stdout, from_arg.stdout);
    let json = corsim(&["explain", "--message", paste, "--json"], None);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("one JSON object");
    assert_eq!(v["facts"]["browser"], "chromium");
    assert_eq!(v["facts"]["reason_name"], "PreflightMissingAllowOriginHeader");
    assert_eq!(v["facts"]["origin"], "http://localhost:3000");
    assert_eq!(v["messages"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["reproduced"], true);
    assert_eq!(v["explanation"]["fix"]["verified"], true);
    // The scenario line runs as it is.
    let line = v["scenario"].to_string();
    let run = corsim(&["run", "-"], Some(&line));
    assert!(run.stdout.contains("\"cors_error\":\"PreflightMissingAllowOriginHeader\""), "{}", run.stdout);
}

/// Messages that name no check corsim can simulate: what is said, and the
/// command that finds the rest.
#[test]
fn messages_without_a_scenario() {
    let out = corsim(&["explain", "--message", "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/x. (Reason: CORS request did not succeed). Status code: (null)."], None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    snapshot("message-firefox-did-not-succeed.txt", &out.stdout);
    let out = corsim(&["explain", "--message", "Access to fetch at 'file:///C:/data.json' from origin 'null' has been blocked by CORS policy: Cross origin requests are only supported for protocol schemes: http, data, isolated-app, chrome-extension, chrome, https, chrome-untrusted."], None);
    assert!(out.stdout.contains("reason    CorsDisabledScheme"), "{}", out.stdout);
    assert!(out.stdout.contains("Serve the page and the API over http://localhost."), "{}", out.stdout);
    assert!(!out.stdout.contains("Still missing"), "{}", out.stdout);
    // A network error: not CORS, with its fix, and no header to add.
    let out = corsim(&["explain", "--message", "GET http://localhost:8080/api net::ERR_CONNECTION_REFUSED"], None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    snapshot("message-chromium-connection-refused.txt", &out.stdout);
    assert!(!out.stdout.contains("Access-Control-"), "{}", out.stdout);
}

#[test]
fn a_message_corsim_does_not_know_exits_2() {
    let out = corsim(&["explain", "--message", "Something went wrong"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no console message corsim knows in 'Something went wrong'"), "{}", out.stderr);
    let out = corsim(&["explain", "--message", "x", "https://api.example/"], None);
    assert_eq!(out.code, 2, "a URL with --message is refused");
    let firefox = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404.";
    let out = corsim(&["explain", "--message", firefox, "--origin", "not an origin"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--origin 'not an origin'"), "{}", out.stderr);
}

/// A line Chromium and WebKit write word for word: untold, the output says
/// it could be either; `--profile` says which, and WebKit names the step by
/// the line itself.
#[test]
fn a_shared_line_names_its_browsers_until_told() {
    let line = "Refused to set unsafe header \"Cookie\"";
    let out = corsim(&["explain", "--message", line], None);
    assert!(out.stdout.contains("Read from Chromium or WebKit message"), "{}", out.stdout);
    assert!(out.stdout.contains("pass --profile to say which"), "{}", out.stdout);
    let out = corsim(&["explain", "--profile", "webkit", "--message", line], None);
    assert!(out.stdout.contains("Read from WebKit message"), "{}", out.stdout);
    assert!(!out.stdout.contains("Chromium or WebKit"), "{}", out.stdout);
    assert!(out.stdout.contains("reason    Refused to set unsafe header \"Cookie\" (not CORS"), "{}", out.stdout);
    assert!(out.stdout.contains("WebKit reports \"Refused to set unsafe header \"Cookie\"\" again"), "{}", out.stdout);
}

/// WebKit's MIME refusal of a module script names no URL: read back as the
/// element's own refusal, with a scenario serving that type.
#[test]
fn a_mime_refusal_is_the_elements_own() {
    let out = corsim(&["explain", "--message", "TypeError: 'application/json' is not a valid JavaScript MIME type."], None);
    assert!(out.stdout.contains("not CORS: <script type=module> refused the response"), "{}", out.stdout);
    assert!(out.stdout.contains(r#"["Content-Type","application/json"]"#), "{}", out.stdout);
    assert!(out.stdout.contains("WebKit reports \"TypeError: 'application/json' is not a valid JavaScript MIME type.\" again"), "{}", out.stdout);
}

/// A fix that changes no CORS header leaves the server's CORS alone: a
/// WebKit Cross-Origin-Resource-Policy refusal of a `no-cors` request is
/// fixed by the CORP header only, with no `Vary: Origin` beside it (the
/// implied answer's `Access-Control-Allow-Origin` plays no part).
#[test]
fn a_corp_fix_changes_only_corp() {
    let paste = "Cancelled load to http://127.0.0.1:8322/gate/corp-same-origin because it violates the resource's Cross-Origin-Resource-Policy response header.";
    let json = corsim(&["explain", "--message", paste, "--json"], None);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("one JSON object");
    assert_eq!(v["explanation"]["fix"]["verified"], true, "{}", json.stdout);
    let names: Vec<&str> = v["explanation"]["fix"]["patches"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["headers"].as_array().into_iter().flatten())
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["Cross-Origin-Resource-Policy"], "{}", json.stdout);
}
