//! The `corsim` binary, run as a user runs it: `explain` snapshots (plain
//! text under NO_COLOR, and --json), exit codes, bad-argument messages, and
//! `run`'s output against the library's own verdicts.
//!
//! Set `UPDATE_SNAPSHOTS=1` to rewrite the files in `tests/snapshots/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use corsim::scenario::{ErrorLine, Scenario};

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn corsim(args: &[&str]) -> Output {
    corsim_with_stdin(args, None)
}

fn corsim_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_corsim"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the corsim binary runs");
    // Feed standard input from another thread: corsim writes while it reads.
    let feeder = stdin.map(|input| {
        let mut pipe = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        })
    });
    let out = child.wait_with_output().expect("corsim finishes");
    if let Some(f) = feeder {
        f.join().expect("stdin written");
    }
    Output {
        code: out.status.code().expect("an exit code"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
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

const PAGE: &str = "https://app.example";

/// The classic failures of the issue, as `corsim explain` arguments, each
/// with its snapshot name and the CORS error Chromium reports.
fn classic() -> Vec<(&'static str, Vec<&'static str>, &'static str)> {
    let acao = "Access-Control-Allow-Origin: https://app.example";
    vec![
        ("no-allow-origin", vec!["https://api.example/items", "--origin", PAGE], "MissingAllowOriginHeader"),
        (
            // axios.post(url, data, { withCredentials: true }) against a wildcard.
            "xhr-axios-with-credentials",
            vec![
                "https://api.example/items", "--origin", PAGE, "--initiator", "xhr", "-X", "POST",
                "-H", "Content-Type: application/json", "--credentials", "include", "--body", "{}",
                "--preflight-status", "204", "--preflight-header", "Access-Control-Allow-Origin: *",
                "--preflight-header", "Access-Control-Allow-Headers: content-type",
            ],
            "PreflightWildcardOriginNotAllowed",
        ),
        (
            "font-without-cors",
            vec!["https://cdn.example/f.woff2", "--origin", PAGE, "--initiator", "font"],
            "MissingAllowOriginHeader",
        ),
        (
            "wildcard-with-credentials",
            vec!["https://api.example/me", "--origin", PAGE, "--credentials", "include", "--response-header", "Access-Control-Allow-Origin: *"],
            "WildcardOriginNotAllowed",
        ),
        (
            "options-404",
            vec!["https://api.example/items", "--origin", PAGE, "-X", "DELETE", "--preflight-status", "404", "--response-header", acao],
            "PreflightMissingAllowOriginHeader",
        ),
        (
            "options-405",
            vec![
                "https://api.example/items", "--origin", PAGE, "-X", "PUT", "--preflight-status", "405",
                "--preflight-header", acao, "--response-header", acao,
            ],
            "PreflightInvalidStatus",
        ),
        (
            "method-not-allowed",
            vec![
                "https://api.example/items", "--origin", PAGE, "-X", "PATCH", "--preflight-status", "204",
                "--preflight-header", acao, "--preflight-header", "Access-Control-Allow-Methods: GET, POST, PUT",
                "--response-header", acao,
            ],
            "MethodDisallowedByPreflightResponse",
        ),
        (
            "content-type-json",
            vec![
                "https://api.example/items", "--origin", PAGE, "-X", "POST", "-H", "Content-Type: application/json",
                "--preflight-status", "204", "--preflight-header", acao, "--response-header", acao,
            ],
            "HeaderDisallowedByPreflightResponse",
        ),
        (
            "authorization",
            vec![
                "https://api.example/me", "--origin", PAGE, "-H", "Authorization: Bearer abc", "--preflight-status", "204",
                "--preflight-header", acao, "--preflight-header", "Access-Control-Allow-Headers: content-type",
                "--response-header", acao,
            ],
            "HeaderDisallowedByPreflightResponse",
        ),
        (
            "preflight-redirect",
            vec![
                "https://api.example/items", "--origin", PAGE, "-X", "PUT", "--preflight-status", "301",
                "--preflight-header", "Location: https://api.example/items/", "--response-header", acao,
            ],
            "PreflightDisallowedRedirect",
        ),
        (
            "trailing-slash",
            vec!["https://api.example/items", "--origin", PAGE, "--response-header", "Access-Control-Allow-Origin: https://app.example/"],
            "AllowOriginMismatch",
        ),
        (
            "localhost-vs-127",
            vec![
                "http://127.0.0.1:3000/api", "--origin", "http://localhost:5173",
                "--response-header", "Access-Control-Allow-Origin: http://127.0.0.1:5173",
            ],
            "AllowOriginMismatch",
        ),
        (
            "http-vs-https",
            vec!["https://api.example/items", "--origin", PAGE, "--response-header", "Access-Control-Allow-Origin: http://app.example"],
            "AllowOriginMismatch",
        ),
        (
            "proxy-and-app",
            vec!["https://api.example/items", "--origin", PAGE, "--response-header", acao, "--response-header", acao],
            "MultipleAllowOriginValues",
        ),
        (
            "credentials-True",
            vec![
                "https://api.example/me", "--origin", PAGE, "--credentials", "include", "--response-header", acao,
                "--response-header", "Access-Control-Allow-Credentials: True",
            ],
            "InvalidAllowCredentials",
        ),
    ]
}

#[test]
fn classic_failures_exit_1_and_their_fix_is_verified() {
    for (name, args, error) in classic() {
        let mut full = vec!["explain", "--json"];
        full.extend(&args);
        let out = corsim(&full);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON object");
        assert_eq!(json["result"]["failure"]["cors_error"], error, "{name}");
        assert_eq!(json["fix"]["verified"], true, "{name}: {}", json["fix"]);
        assert_eq!(json["fix"]["configs"].as_array().map(Vec::len), Some(11), "{name}");
    }
}

#[test]
fn explain_text_snapshots() {
    for (name, args, _) in classic() {
        let mut full = vec!["explain"];
        full.extend(&args);
        // Two servers' configuration keep the snapshots short; the JSON test checks all eleven.
        full.extend(["--server", "express", "--server", "nginx"]);
        let out = corsim(&full);
        assert!(!out.stdout.contains('\x1b'), "{name}: colour in a pipe");
        snapshot(&format!("{name}.txt"), &out.stdout);
    }
}

#[test]
fn explain_json_snapshots() {
    for (name, args, _) in classic().into_iter().filter(|(n, _, _)| ["no-allow-origin", "content-type-json"].contains(n)) {
        let mut full = vec!["explain", "--json"];
        full.extend(&args);
        let out = corsim(&full);
        let pretty = serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap()).unwrap();
        snapshot(&format!("{name}.json"), &(pretty + "\n"));
    }
}

#[test]
fn an_element_refusing_its_resource_is_explained_with_its_own_fix() {
    let out = corsim(&[
        "explain", "https://cdn.example/app.js", "--origin", PAGE, "--initiator", "module-script", "--json",
        "--response-header", "Access-Control-Allow-Origin: *", "--response-header", "Content-Type: text/plain",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON object");
    assert_eq!(json["page_event"]["event"], "error");
    assert_eq!(json["page_event"]["refusal"]["refusal"], "module-mime");
    assert_eq!(json["fix"]["steps"][0]["failure"], "module-mime");
    assert_eq!(json["fix"]["verified"], true, "{}", json["fix"]);
    // The same script served as JavaScript loads, so the command exits 0.
    let out = corsim(&[
        "explain", "https://cdn.example/app.js", "--origin", PAGE, "--initiator", "module-script",
        "--response-header", "Access-Control-Allow-Origin: *", "--response-header", "Content-Type: text/javascript",
    ]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("<script type=module> fires 'load'"), "{}", out.stdout);
    // An option the initiator does not take is named.
    let out = corsim(&["explain", "https://cdn.example/f.woff2", "--origin", PAGE, "--initiator", "font", "--crossorigin", "anonymous"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--crossorigin: @font-face has no crossorigin attribute"), "{}", out.stderr);
}

#[test]
fn a_readable_response_exits_0() {
    let out = corsim(&[
        "explain", "https://api.example/items", "--origin", PAGE, "--response-header",
        "Access-Control-Allow-Origin: https://app.example", "--response-header", "X-Total: 3",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("✓ script can read the response: type cors, status 200"), "{}", out.stdout);
    assert!(out.stdout.contains("hidden from script: x-total"), "{}", out.stdout);
    assert!(!out.stdout.contains("\nFix\n"));
    // Same origin: no CORS at all.
    let out = corsim(&["explain", "https://app.example/x", "--origin", PAGE]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("same-origin"));
}

#[test]
fn an_opaque_response_exits_1() {
    let out = corsim(&["explain", "https://api.example/x", "--origin", PAGE, "--mode", "no-cors"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("In the page: fetch(url, { mode: 'cors' })"), "{}", out.stdout);
}

#[test]
fn explain_a_recorded_scenario() {
    let out = corsim(&["explain", "--scenario", "tests/corpus/chromium-156-public.jsonl", "--id", "chr-simple-000002"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // The recorded console message, word for word.
    assert!(out.stdout.contains(
        "Access to fetch at 'http://127.0.0.1:8002/s/000002/a' from origin 'http://127.0.0.1:8001' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    ));
    assert!(out.stdout.contains("✓ verified"));
    // From standard input, and a later step that meets the preflight cache.
    let corpus = std::fs::read_to_string(workspace().join("tests/corpus/chromium-156-public.jsonl")).unwrap();
    let cached = corpus
        .lines()
        .find(|l| l.contains("\"id\":\"chr-cache-") && Scenario::parse(l).is_ok_and(|s| s.steps.len() > 1))
        .expect("a cache scenario with two steps");
    let out = corsim_with_stdin(&["explain", "--scenario", "-", "--step", "1", "--json"], Some(cached.as_bytes()));
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(json["timeline"].as_array().unwrap().iter().any(|s| s["step"] == "cache-lookup"));
}

#[test]
fn profiles() {
    for profile in ["chromium", "firefox", "webkit", "spec"] {
        let out = corsim(&["explain", "https://api.example/x", "--origin", PAGE, "--profile", profile, "--json"]);
        assert_eq!(out.code, 1);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["browser"], profile);
        assert_eq!(json["fix"]["verified"], true);
    }
}

#[test]
fn bad_input_exits_2_naming_the_argument() {
    let base = ["explain", "https://api.example/", "--origin", PAGE];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["explain"], "--origin"),
        (vec!["explain", "not a url", "--origin", PAGE], "URL 'not a url'"),
        (vec!["explain", "https://api.example/", "--origin", "app.example"], "--origin 'app.example'"),
        (vec!["explain", "https://api.example/", "--origin", "https://app.example/path"], "no path"),
        (vec!["-H", "X-Trace"], "-H 'X-Trace': expected 'Name: value'"),
        (vec!["-H", ": v"], "the header name is empty"),
        (vec!["-H", "X Trace: 1"], "'X Trace' is not a valid header name"),
        (vec!["-H", "X-Trace: a\rb"], "cannot hold CR, LF or NUL"),
        (vec!["--response-header", "X: €"], "--response-header 'X: €'"),
        (vec!["--preflight-header", "nocolon"], "--preflight-header 'nocolon'"),
        (vec!["-X", "GE T"], "-X 'GE T'"),
        (vec!["--status", "42"], "--status"),
        (vec!["--preflight-status", "abc"], "--preflight-status"),
        (vec!["--credentials", "always"], "--credentials"),
        (vec!["--mode", "navigate"], "--mode"),
        (vec!["--profile", "netscape"], "--profile"),
        (vec!["--bogus"], "--bogus"),
        (vec!["explain", "--scenario", "/nonexistent/file"], "--scenario /nonexistent/file"),
        (vec!["explain", "--scenario", "tests/corpus/FORMAT.md"], "not valid JSON"),
        (vec!["explain", "--scenario", "tests/corpus/chromium-156-public.jsonl", "--id", "nope"], "--id nope"),
        (vec!["explain", "--scenario", "tests/corpus/chromium-156-public.jsonl", "--step", "9"], "--step 9"),
        (vec!["explain", "https://a.example/", "--scenario", "x.jsonl"], "cannot be used with"),
        (vec!["run", "/nonexistent/file"], "/nonexistent/file"),
        (vec!["frobnicate"], "frobnicate"),
    ];
    for (args, names) in cases {
        let full: Vec<&str> = if args[0] == "explain" || args[0] == "run" || args[0] == "frobnicate" {
            args.clone()
        } else {
            base.iter().copied().chain(args.iter().copied()).collect()
        };
        let out = corsim(&full);
        assert_eq!(out.code, 2, "{full:?}: {}", out.stdout);
        assert!(out.stderr.contains(names), "{full:?}: {:?} does not name {names:?}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{full:?}");
        assert!(out.stdout.is_empty(), "{full:?}");
    }
}

#[test]
fn help_has_an_example_for_every_command() {
    for cmd in ["run", "explain"] {
        let out = corsim(&[cmd, "--help"]);
        assert_eq!(out.code, 0);
        assert!(out.stdout.contains("Example"), "{cmd} --help");
    }
    let out = corsim(&["explain", "--help"]);
    assert!(out.stdout.contains("status 200 with no headers"));
}

/// `corsim run` writes what the library gives, line for line, in order.
fn expected_run_output(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let json = match Scenario::parse(line) {
            Ok(s) => serde_json::to_string(&s.simulate(None)).unwrap(),
            Err((id, e)) => serde_json::to_string(&ErrorLine { id, error: e.to_string() }).unwrap(),
        };
        out.push_str(&json);
        out.push('\n');
    }
    out
}

#[test]
fn run_keeps_every_byte_and_the_order() {
    for file in ["chromium-156-public.jsonl", "firefox-153-public.jsonl", "webkit-2.50.6-public.jsonl"] {
        let path = format!("tests/corpus/{file}");
        let out = corsim(&["run", &path]);
        assert_eq!(out.code, 0);
        let text = std::fs::read_to_string(workspace().join(&path)).unwrap();
        assert!(out.stdout == expected_run_output(&text), "{file}: output differs from the library's verdicts");
    }
    // Longer than one batch, with bad lines and blank lines among the good.
    let corpus = std::fs::read_to_string(workspace().join("tests/corpus/chromium-156-public.jsonl")).unwrap();
    let mut big = String::new();
    for i in 0..8 {
        big.push_str(&corpus);
        big.push_str(&format!("{{\"id\":\"bad-{i}\"}}\n\nnot json {i}\n"));
    }
    let out = corsim_with_stdin(&["run", "-"], Some(big.as_bytes()));
    // Unreadable lines among the good: every other line ran, and the exit
    // status says some could not be read.
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("16 of 4816 lines could not be read"), "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 8 * 602);
    assert!(out.stdout == expected_run_output(&big), "the order or the bytes changed");
}

#[test]
fn run_summary_counts_agreement() {
    let out = corsim(&["run", "tests/corpus/chromium-156-public.jsonl", "--summary"]);
    assert_eq!(out.code, 0);
    let last = out.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("agree: ") && last.contains("steps (") && last.contains("unstable skipped:"), "{}", out.stderr);
    assert!(out.stderr.contains("per field: server_saw "), "{}", out.stderr);
    assert!(out.stderr.contains("per category: cache "), "{}", out.stderr);
    // The summary goes to standard error: standard output is unchanged.
    assert_eq!(out.stdout, corsim(&["run", "tests/corpus/chromium-156-public.jsonl"]).stdout);
    // A disagreement is counted, by field and by category.
    let line = r#"{"id":"t-simple-1","origin":"https://a.example","steps":[{"request":{"url":"https://b.example/"}}],"expect":[{"server_saw":[],"result":{"type":"error"},"cors_error":"MissingAllowOriginHeader"}]}"#;
    let out = corsim_with_stdin(&["run", "-", "--summary"], Some(line.as_bytes()));
    assert!(out.stderr.contains("differing fields: server_saw 1\n"), "{}", out.stderr);
    assert!(out.stderr.contains("by category: simple 1/1 off\n"), "{}", out.stderr);
    assert!(out.stderr.ends_with(
        "agree: 0/1 steps (0.0%), false-allow: 0, false-block: 0, missing: 0, errors: 0, console: 0/0, unstable skipped: 0\n"
    ), "{}", out.stderr);
    let out = corsim_with_stdin(&["run", "-", "--summary"], Some(b"{\"origin\":\"https://a.example\",\"steps\":[]}\n"));
    assert!(out.stderr.contains("no line carries `expect`"), "{}", out.stderr);
}
