//! Strict scenario input: `tests/data/strict-input.jsonl` holds one line per
//! mistake (and five good lines using the format's extension fields); what
//! `corsim run` says of each is kept in `tests/snapshots/strict-input.txt`.
//! The typed and generic readers agree on every line.

use std::path::Path;
use std::process::Command;

use corsim::scenario::Scenario;

fn data() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/strict-input.jsonl")
}

#[test]
fn each_mistake_gets_its_own_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_corsim")).arg("run").arg(data()).output().expect("corsim runs");
    // Five good lines ran; every other line is named, so the exit status is 1.
    const GOOD: usize = 5;
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[..GOOD].iter().all(|l| l.contains("\"steps\"")), "{stdout}");
    assert!(lines[GOOD..].iter().all(|l| l.contains("\"error\"")), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(&format!("{} of {} lines could not be read", lines.len() - GOOD, lines.len())), "{stderr}");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/strict-input.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &stdout).unwrap();
    }
    let expected = std::fs::read_to_string(&path).expect("the snapshot (UPDATE_SNAPSHOTS=1 writes it)");
    for (want, got) in expected.lines().zip(stdout.lines()) {
        assert_eq!(want, got);
    }
    assert_eq!(expected.lines().count(), lines.len());
}

#[test]
fn messages_say_what_is_wrong() {
    let out = Command::new(env!("CARGO_BIN_EXE_corsim")).arg("run").arg(data()).output().expect("corsim runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let error = |id: &str| -> String {
        stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["id"] == id)
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("no error for {id}: {stdout}"))
    };
    assert_eq!(error("misspelt-request-field"), "steps[0].request.credentails: unknown field; did you mean \"credentials\"?");
    assert!(error("misspelt-step-field").contains("did you mean \"at_ms\""));
    assert!(error("misspelt-top-field").contains("did you mean \"server\""));
    assert!(error("misspelt-response-field").contains("did you mean \"headers\""));
    assert!(error("misspelt-server-key").contains("did you mean \"preflight\""));
    assert!(error("empty-method").starts_with("steps[0].request.method: is empty"));
    assert!(error("header-above-u00ff").contains("U+0101"));
    assert!(!stdout.lines().any(|l| l.contains("invalid-utf8")), "the id of a line that is not UTF-8 is not read");
    let utf8 = stdout.lines().find(|l| l.contains("is not UTF-8")).expect("a UTF-8 error");
    assert!(utf8.contains("byte 0xE9") && !utf8.contains("above U+00FF"), "{utf8}");
    assert!(error("crossorigin-on-font").contains("is not a field of a request made by \"font\""));
    assert!(error("beacon-get").contains("a beacon is always a POST"));
    assert!(error("crossorigin-on-fetch").contains("is not a field of a request made by \"fetch\""));
    assert!(error("origin-without-scheme").contains("write \"http://localhost:3000\""));
}

#[test]
fn typed_and_generic_readers_agree_on_every_line() {
    let text = std::fs::read(data()).unwrap();
    for raw in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let Ok(line) = std::str::from_utf8(raw) else { continue };
        let parsed = Scenario::parse(line);
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(value) => assert_eq!(parsed.map_err(|(_, e)| e), Scenario::from_value(&value), "{line}"),
            Err(_) => assert!(parsed.is_err()),
        }
    }
}
