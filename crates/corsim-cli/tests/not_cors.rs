//! "Is it even CORS?" for every check around CORS, in every profile: what
//! `corsim explain` prints when a check that is not CORS refuses the fetch.
//! One row per check × profile (a table, so that no case silently stops
//! being checked): the check that refused it ("not CORS: …", or none where
//! that browser has no such check), the check's own fix in the output, and
//! no `Access-Control-*` header offered as the fix, in the text and in the
//! `--json` output alike.

use std::process::Command;

use serde_json::Value;

const CORSIM: &str = env!("CARGO_BIN_EXE_corsim");
const PROFILES: [&str; 3] = ["chromium", "firefox", "webkit"];

/// `corsim explain ARGS --profile P` (plain text, and `--json`).
fn explain(args: &[&str], profile: &str, json: bool) -> String {
    let mut cmd = Command::new(CORSIM);
    cmd.arg("explain").args(args).args(["--profile", profile]).env("NO_COLOR", "1");
    if json {
        cmd.arg("--json");
    }
    let out = cmd.output().expect("corsim runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?} --profile {profile}: exit {:?}: {stderr}", out.status.code());
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// A check around CORS, the fetch that meets it, and the check that refuses
/// it in Chromium, Firefox and WebKit (`None`: that browser has no such
/// check, or lets this fetch through it).
struct Row {
    check: &'static str,
    args: &'static [&'static str],
    /// Whether the browser refuses before sending anything.
    nothing_sent: bool,
    expect: [Option<&'static str>; 3],
}

const PORT: &str = "not CORS: a blocked port";
const MIXED: &str = "not CORS: mixed content";
const LNA: &str = "not CORS: Local Network Access";
const CORP: &str = "not CORS: Cross-Origin-Resource-Policy";
const SCHEME: &str = "not CORS: a URL fetch() loads itself";

const ROWS: &[Row] = &[
    Row {
        check: "bad port",
        args: &["http://api.example:6000/items", "--origin", "http://app.example"],
        nothing_sent: true,
        expect: [Some(PORT), Some(PORT), Some(PORT)],
    },
    Row {
        check: "bad port on a redirect's target",
        args: &[
            "http://api.example/old", "--origin", "http://app.example", "--status", "302",
            "--response-header", "Location: http://api.example:6667/new", "--response-header", "Access-Control-Allow-Origin: *",
        ],
        nothing_sent: false,
        expect: [Some(PORT), Some(PORT), Some(PORT)],
    },
    Row {
        check: "mixed content",
        args: &["http://api.test/items", "--origin", "https://app.example", "--response-header", "Access-Control-Allow-Origin: *"],
        nothing_sent: true,
        expect: [Some(MIXED), Some(MIXED), Some(MIXED)],
    },
    Row {
        check: "mixed content, loopback target",
        args: &["http://127.0.0.1:8080/status", "--origin", "https://app.example", "--response-header", "Access-Control-Allow-Origin: *"],
        nothing_sent: true,
        expect: [None, None, Some(MIXED)],
    },
    Row {
        check: "Local Network Access, permission denied",
        args: &[
            "https://printer.test/status", "--origin", "https://app.example", "--response-header", "Access-Control-Allow-Origin: *",
            "--page", r#"{"address_space": "public", "address_spaces": {"printer.test": "local"}, "local_network_access": "denied"}"#,
        ],
        nothing_sent: true,
        expect: [Some(LNA), Some(LNA), None],
    },
    Row {
        check: "Local Network Access, permission denied, no-cors",
        args: &[
            "https://printer.test/status", "--origin", "https://app.example", "--mode", "no-cors",
            "--page", r#"{"address_space": "public", "address_spaces": {"printer.test": "local"}, "local_network_access": "denied"}"#,
        ],
        nothing_sent: true,
        expect: [Some(LNA), Some(LNA), None],
    },
    Row {
        check: "Local Network Access, not asked yet",
        args: &[
            "https://printer.test/status", "--origin", "https://app.example", "--response-header", "Access-Control-Allow-Origin: *",
            "--page", r#"{"address_space": "public", "address_spaces": {"printer.test": "local"}}"#,
        ],
        nothing_sent: true,
        expect: [Some(LNA), Some(LNA), None],
    },
    Row {
        check: "Local Network Access, not a secure context",
        args: &[
            "http://127.0.0.1:8080/status", "--origin", "http://app.example", "--response-header", "Access-Control-Allow-Origin: *",
            "--page", r#"{"address_space": "public", "local_network_access": "granted"}"#,
        ],
        nothing_sent: true,
        expect: [Some(LNA), None, None],
    },
    Row {
        check: "CORP same-origin",
        args: &["https://api.example/pixel", "--origin", "https://app.example", "--mode", "no-cors", "--response-header", "Cross-Origin-Resource-Policy: same-origin"],
        nothing_sent: false,
        expect: [Some(CORP), Some(CORP), Some(CORP)],
    },
    Row {
        check: "CORP same-site across sites",
        args: &["https://cdn.other.test/pixel", "--origin", "https://app.example", "--mode", "no-cors", "--response-header", "Cross-Origin-Resource-Policy: same-site"],
        nothing_sent: false,
        expect: [Some(CORP), Some(CORP), Some(CORP)],
    },
    Row {
        check: "COEP require-corp, no CORP",
        args: &["https://api.example/pixel", "--origin", "https://app.example", "--mode", "no-cors", "--page", r#"{"coep": "require-corp"}"#],
        nothing_sent: false,
        expect: [Some(CORP), Some(CORP), Some(CORP)],
    },
    // credentialless drops the credentials of a cross-origin no-cors
    // request (Chromium and Firefox observed; WebKit reads it as
    // unsafe-none): nothing needs CORP, nothing is refused.
    Row {
        check: "COEP credentialless, credentials include, no CORP",
        args: &[
            "https://api.example/pixel", "--origin", "https://app.example", "--mode", "no-cors", "--credentials", "include",
            "--page", r#"{"coep": "credentialless"}"#,
        ],
        nothing_sent: false,
        expect: [None, None, None],
    },
    Row {
        check: "data: URL",
        args: &["data:application/json,{\"ok\":true}", "--origin", "https://app.example"],
        nothing_sent: true,
        expect: [None, None, None],
    },
    Row {
        check: "data: URL without a comma",
        args: &["data:application/json", "--origin", "https://app.example"],
        nothing_sent: true,
        expect: [Some(SCHEME), Some(SCHEME), Some(SCHEME)],
    },
    Row {
        check: "about:blank, no-cors",
        args: &["about:blank", "--origin", "https://app.example", "--mode", "no-cors"],
        nothing_sent: true,
        expect: [Some(SCHEME), None, Some(SCHEME)],
    },
    Row {
        check: "about:blank, cors",
        args: &["about:blank", "--origin", "https://app.example"],
        nothing_sent: true,
        // Firefox and WebKit report it as a CORS error (CORSRequestNotHttp).
        expect: [Some(SCHEME), Some(SCHEME), Some(SCHEME)],
    },
    Row {
        check: "blob: URL",
        args: &["blob:https://app.example/6e3a8b1c-0c2f-4b7e-9d3a-0f1b2c3d4e5f", "--origin", "https://app.example"],
        nothing_sent: true,
        expect: [Some(SCHEME), Some(SCHEME), Some(SCHEME)],
    },
    Row {
        check: "file: URL",
        args: &["file:///etc/hosts", "--origin", "https://app.example"],
        nothing_sent: true,
        expect: [Some(SCHEME), Some(SCHEME), Some(SCHEME)],
    },
    Row {
        check: "ftp: URL",
        args: &["ftp://files.example/data.csv", "--origin", "http://app.example"],
        nothing_sent: true,
        expect: [Some(SCHEME), Some(SCHEME), Some(SCHEME)],
    },
    Row {
        check: "ftp: URL from an https: page",
        args: &["ftp://files.example/data.csv", "--origin", "https://app.example"],
        nothing_sent: true,
        expect: [Some(MIXED), Some(MIXED), Some(MIXED)],
    },
];

/// Every place the fix names an `Access-Control-*` header, except to say
/// that it no longer helps.
fn cors_headers_offered(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    lower
        .match_indices("access-control-")
        .map(|(at, _)| lower[at..].chars().take(70).collect::<String>())
        .filter(|s| {
            !["access-control-allow-private-network is no longer read", "access-control-allow-private-network is not read"]
                .iter()
                .any(|said| s.starts_with(said))
        })
        .collect()
}

#[test]
fn every_check_around_cors_says_it_is_not_cors_with_its_own_fix() {
    let mut failures = Vec::new();
    for row in ROWS {
        for (p, profile) in PROFILES.into_iter().enumerate() {
            let at = format!("{} ({profile})", row.check);
            let json: Value = serde_json::from_str(&explain(row.args, profile, true)).expect("explain --json prints JSON");
            let text = explain(row.args, profile, false);
            let failure = &json["result"]["failure"];
            let not_cors = &failure["not_cors"];
            let got = not_cors["check"].as_str();
            let expected = row.expect[p];
            // Where no check around CORS refuses it, it reaches the server and CORS (or nothing) decides.
            let got_gate = got.filter(|c| !c.starts_with("not CORS: the browser refused") && !c.starts_with("not CORS: a network error"));
            if got_gate != expected {
                failures.push(format!("{at}: refused by {got:?}, expected {expected:?}; failure: {failure}"));
                continue;
            }
            let Some(check) = expected else { continue };
            let fix = not_cors["fix"].as_str().unwrap_or_default();
            // The text names the check as not CORS, gives its fix word for word, and offers no CORS header.
            if !text.contains(check) {
                failures.push(format!("{at}: the text does not say {check:?}:\n{text}"));
            }
            if fix.is_empty() || !text.contains(fix) {
                failures.push(format!("{at}: the text does not give the check's fix {fix:?}:\n{text}"));
            }
            let offered = cors_headers_offered(fix);
            if !offered.is_empty() {
                failures.push(format!("{at}: the check's fix offers a CORS header: {offered:?}"));
            }
            let fix_section = text.split("\nFix\n").nth(1).unwrap_or_default();
            let offered = cors_headers_offered(fix_section);
            if !offered.is_empty() {
                failures.push(format!("{at}: the Fix section offers a CORS header: {offered:?}\n{fix_section}"));
            }
            for patch in json["fix"]["patches"].as_array().into_iter().flatten() {
                for change in patch["headers"].as_array().into_iter().flatten() {
                    let name = change["name"].as_str().unwrap_or_default();
                    if name.to_ascii_lowercase().starts_with("access-control-") {
                        failures.push(format!("{at}: the fix patches {name}: {change}"));
                    }
                }
            }
            let sent = json["timeline"].as_array().into_iter().flatten().filter(|s| s["step"] == "exchange").count();
            if row.nothing_sent && sent != 0 {
                failures.push(format!("{at}: {sent} exchange(s), where the browser sends nothing"));
            }
            if !row.nothing_sent && row.args[0].starts_with("http") && sent == 0 {
                failures.push(format!("{at}: nothing was sent, where the browser sends the request"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} rows:\n{}", failures.len(), ROWS.len() * 3, failures.join("\n\n"));
}
