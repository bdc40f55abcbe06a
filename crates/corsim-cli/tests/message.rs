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
