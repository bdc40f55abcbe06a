//! `corsim check` on the example configurations of tests/servers/examples/:
//! what it reports, the fixes it verified, its exit codes.

use std::process::Command;

const CORSIM: &str = env!("CARGO_BIN_EXE_corsim");
const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/servers/examples/");

fn corsim(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(CORSIM).args(args).output().expect("corsim runs");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn example(name: &str) -> String {
    format!("{EXAMPLES}{name}")
}

#[test]
fn examples_report_what_the_browser_blocks_and_the_fix_in_the_librarys_options() {
    let needs = example("needs.json");
    // (configuration, exit code, what the report must say)
    let cases: &[(&str, i32, &[&str])] = &[
        ("express-list.json", 1, &["fix (verified): set \"credentials\": true", "(the server answered 400)", "in the page: method: 'PATCH'"]),
        ("express-reflect.json", 1, &["[critical] reflects-any-origin", "ok       PUT"]),
        ("flask-single-origin.json", 1, &["set \"supports_credentials\": true", "vary-origin-missing"]),
        ("fastapi-tutorial.toml", 1, &["It does not have HTTP ok status.", "\"allow_methods\": [\"DELETE\",\"GET\",\"HEAD\",\"OPTIONS\",\"PATCH\",\"POST\",\"PUT\",\"QUERY\",\"patch\"]"]),
        ("django.yaml", 1, &["\"CORS_ALLOW_HEADERS\": [\"accept\",\"authorization\",\"content-type\",\"user-agent\",\"x-csrftoken\",\"x-requested-with\",\"x-trace\"]"]),
        ("nginx-enable-cors-org.json", 1, &["must not be the wildcard '*'", "corsim proposes no edit of a configuration written as nginx"]),
        ("go-rs-cors.json", 1, &["set \"AllowedHeaders\": [\"Origin\",\"Accept\",\"Content-Type\",\"X-Requested-With\",\"X-Trace\"], \"AllowedMethods\": [\"GET\",\"POST\",\"HEAD\",\"PUT\"]", "method: 'PATCH', and set \"AllowedMethods\""]),
        ("flask-regex.json", 1, &["[high] prefix-match", "https://app.example.evil.test", "in flask-cors: an origin containing"]),
        ("apache-guide.json", 1, &["[high] unescaped-dot", "vary-origin-missing", "in apache: anchor the SetEnvIf Origin expression"]),
        ("spring.json", 1, &["it was not compared with the library", "fix (verified): set \"allowedMethods\": [\"GET\",\"POST\",\"PUT\"]"]),
        ("nextjs-vercel-guide.json", 1, &["[low] wildcard-with-credentials", "corsim proposes no edit of a configuration written as nextjs"]),
        ("flask-auth-first.json", 1, &["(the server answered 401)", "fix (verified): flask-cors adds its headers after the view, so a before_request hook that refuses the preflight answers first"]),
        ("django-append-slash.json", 1, &["(the server answered 308)", "fix (verified): CommonMiddleware (APPEND_SLASH) redirects the path to the one ending in /: request that URL from the page"]),
        ("tower.json", 1, &["set \"allow_headers\": [\"content-type\",\"x-trace\"]", "audit: no misconfiguration found"]),
    ];
    for (config, code, needles) in cases {
        let (got, out, err) = corsim(&["check", "--config", &example(config), "--needs", &needs]);
        assert_eq!(got, Some(*code), "{config}: {out}{err}");
        for needle in *needles {
            assert!(out.contains(needle), "{config}: {needle:?} missing from\n{out}");
        }
    }
}

#[test]
fn a_configuration_that_serves_every_need_exits_0() {
    let (code, out, err) =
        corsim(&["check", "--config", &example("tower.json"), "--origin", "https://app.example", "--method", "PUT", "--header", "Content-Type: application/json", "--credentials", "include"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("0 problem(s)"), "{out}");
}

#[test]
fn needs_read_as_yaml_as_as_json() {
    let dir = std::env::temp_dir().join(format!("corsim-check-needs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let yaml = dir.join("needs.yml");
    std::fs::write(
        &yaml,
        "origins: [https://app.example]\nurl: https://api.example/items\nrequests:\n  - method: GET\n    credentials: include\n  - method: PUT\n    headers: {Content-Type: application/json, X-Trace: '1'}\n    credentials: include\n  - method: patch\n    credentials: include\n",
    )
    .unwrap();
    let config = example("django.yaml");
    let from_json = corsim(&["check", "--config", &config, "--needs", &example("needs.json")]);
    let from_yaml = corsim(&["check", "--config", &config, "--needs", &yaml.to_string_lossy()]);
    assert_eq!(from_json, from_yaml);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_is_named_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("corsim-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let unknown = write("unknown.json", r#"{"library": "nope", "options": {}}"#);
    let panics = write("panics.json", r#"{"library": "tower-http", "options": {"allow_origin": "*", "allow_credentials": true}}"#);
    let typo = write("typo.json", r#"{"library": "express-cors", "options": {"origins": ["https://app.example"]}}"#);
    let before = write("before.json", r#"{"library": "express-cors", "options": {}, "before_cors": ["nope"]}"#);
    let regex = write("regex.json", r#"{"library": "flask-cors", "options": {"origins": "https://(app"}}"#);
    let yaml = write("bad.yaml", "library: express-cors\noptions: [unclosed\n");
    let tower = example("tower.json");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["check", "--config", "/nonexistent.json", "--origin", "https://app.example"], "cannot read /nonexistent.json"),
        (vec!["check", "--config", &unknown, "--origin", "https://app.example"], "unknown variant `nope`"),
        (vec!["check", "--config", &panics, "--origin", "https://app.example"], "Cannot combine `Access-Control-Allow-Credentials: true` with `Access-Control-Allow-Origin: *`"),
        (vec!["check", "--config", &typo, "--origin", "https://app.example"], "unknown field `origins`"),
        (vec!["check", "--config", &regex, "--origin", "https://app.example"], "flask-cors: origins \"https://(app\""),
        (vec!["check", "--config", &before, "--origin", "https://app.example"], "before_cors: unknown variant `nope`"),
        (vec!["check", "--config", &yaml, "--origin", "https://app.example"], "bad.yaml: "),
        (vec!["check", "--config", &tower, "--origin", "app.example"], "--origin \"app.example\""),
        (vec!["check", "--config", &tower, "--origin", "https://app.example", "--header", "X-Trace"], "--header \"X-Trace\""),
    ];
    for (args, needle) in cases {
        let (code, out, err) = corsim(&args);
        assert_eq!(code, Some(2), "{args:?}: {out}{err}");
        assert!(err.contains(needle), "{args:?}: {err:?} does not name {needle:?}");
    }
    let (code, _, err) = corsim(&["check", "--config", &example("tower.json")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--origin"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
