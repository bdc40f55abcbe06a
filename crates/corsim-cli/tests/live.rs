//! `corsim probe` and `corsim audit` against loopback servers written to
//! misbehave (refusing, trickling, flooding, lying) and against servers with
//! one misconfiguration each: the exit status a CI relies on, the deadline
//! kept, and each audit class found and labelled right.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CORSIM: &str = env!("CARGO_BIN_EXE_corsim");

/// A loopback server: each connection is handed to `answer` on a thread of
/// its own, after the request head was read (method and path, and the
/// `Origin` header).
fn serve(answer: impl Fn(&mut TcpStream, &Request) + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().unwrap().port();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = Arc::clone(&answer);
            std::thread::spawn(move || {
                let mut stream = stream;
                if let Some(request) = read_request(&stream) {
                    answer(&mut stream, &request);
                }
            });
        }
    });
    port
}

struct Request {
    method: String,
    path: String,
    origin: Option<String>,
    preflight: bool,
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut origin = None;
    let mut preflight = false;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 || h == "\r\n" {
            break;
        }
        let (name, value) = h.trim_end().split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "origin" => origin = Some(value.trim().to_owned()),
            "access-control-request-method" => preflight = method == "OPTIONS",
            _ => {}
        }
    }
    Some(Request { method, path, origin, preflight })
}

/// A port where nothing listens.
fn refused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

fn corsim(args: &[&str]) -> Run {
    let start = Instant::now();
    let Output { status, stdout, stderr } = Command::new(CORSIM).args(args).output().expect("corsim runs");
    Run {
        code: status.code().expect("an exit status"),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
        took: start.elapsed(),
    }
}

const PAGE: &str = "http://127.0.0.1:8001";

fn probe(port: u16, extra: &[&str]) -> Run {
    let url = format!("http://127.0.0.1:{port}/items");
    let mut args = vec!["probe", url.as_str(), "--origin", PAGE];
    args.extend_from_slice(extra);
    corsim(&args)
}

fn audit(port: u16, extra: &[&str]) -> Run {
    let url = format!("http://127.0.0.1:{port}/items");
    let mut args = vec!["audit", url.as_str(), "--trust", PAGE];
    args.extend_from_slice(extra);
    corsim(&args)
}

fn write(stream: &mut TcpStream, bytes: &[u8]) {
    let _ = stream.write_all(bytes).and_then(|()| stream.flush());
}

/// One byte a second, for a minute: far longer than any deadline below.
fn trickle(stream: &mut TcpStream, _: &Request) {
    for b in b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nX-Slow: ".iter().chain([b'a'; 60].iter()) {
        if stream.write_all(&[*b]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[test]
fn a_refused_connection_could_not_be_tested() {
    let port = refused_port();
    let run = probe(port, &[]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("could not test") && run.stderr.contains("cannot connect"), "{}", run.stderr);
    let run = audit(port, &[]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("no misconfiguration found"), "{}", run.stdout);
    assert!(run.stdout.contains("could not test"), "{}", run.stdout);
    // Each failed request is named once, not `GET …: GET …`.
    let url = format!("GET http://127.0.0.1:{port}/items");
    let error = run.stdout.lines().find(|l| l.starts_with("error: ")).expect("an error line");
    assert_eq!(error.matches(&url).count(), 1, "{error}");
}

#[test]
fn a_trickling_server_cannot_hold_probe_past_its_deadline() {
    let port = serve(trickle);
    let run = probe(port, &["--timeout", "2"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("timed out reading the answer: no whole answer within --timeout 2 s"), "{}", run.stderr);
    // The server would take a minute; the deadline is 2 s (generous room for a busy machine).
    assert!(run.took < Duration::from_secs(30), "took {:?}", run.took);
}

#[test]
fn the_command_deadline_bounds_an_audit_of_a_trickling_server() {
    let port = serve(trickle);
    let run = audit(port, &["--timeout", "30", "--max-time", "3"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("the command's --max-time of 3 s ran out"), "{}", run.stdout);
    assert!(!run.stdout.contains("no misconfiguration found"), "{}", run.stdout);
    assert!(run.took < Duration::from_secs(30), "took {:?}", run.took);
}

#[test]
fn a_server_that_accepts_and_says_nothing_times_out() {
    let port = serve(|stream, _| {
        std::thread::sleep(Duration::from_secs(20));
        write(stream, b"HTTP/1.1 200 OK\r\n\r\n");
    });
    let run = probe(port, &["--timeout", "1"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("timed out"), "{}", run.stderr);
}

#[test]
fn many_header_lines_are_read_a_flood_is_refused() {
    let port = serve(|stream, _| {
        let mut head = b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n".to_vec();
        for i in 0..1000 {
            head.extend_from_slice(format!("X-Line-{i}: {i}\r\n").as_bytes());
        }
        head.extend_from_slice(b"Content-Length: 0\r\n\r\n");
        write(stream, &head);
    });
    let run = probe(port, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("< X-Line-999: 999"), "every line is kept");

    let port = serve(|stream, _| {
        write(stream, b"HTTP/1.1 200 OK\r\n");
        let line = [b"X-Flood: ".as_slice(), &[b'a'; 1000], b"\r\n"].concat();
        for _ in 0..400 {
            if stream.write_all(&line).is_err() {
                return;
            }
        }
    });
    let run = probe(port, &[]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("larger than 256 KiB"), "{}", run.stderr);
}

#[test]
fn lies_are_not_http() {
    let cases: [(&[u8], &str); 4] = [
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", "not an HTTP response"),
        (b"HTTP/1.1 2xx Fine\r\n\r\n", "not an HTTP response"),
        (b"", "closed the connection without answering"),
        (b"HTTP/1.1 200 OK\r\nAccess-Control", "before the response head ended"),
    ];
    for (answer, why) in cases {
        let port = serve(move |stream, _| write(stream, answer));
        let run = probe(port, &[]);
        assert_eq!(run.code, 3, "{answer:?}: {}", run.stderr);
        assert!(run.stderr.contains(why), "{answer:?}: {}", run.stderr);
        let run = audit(port, &[]);
        assert_eq!(run.code, 3, "{answer:?}: {}", run.stdout);
    }
}

#[test]
fn a_plain_server_behind_an_https_url_is_not_tls() {
    // A TLS hello is not an HTTP request: this server closes without a word.
    let port_plain = serve(|stream, _| write(stream, b"HTTP/1.1 400 Bad Request\r\n\r\n"));
    let url = format!("https://127.0.0.1:{port_plain}/x");
    let run = corsim(&["probe", &url, "--origin", PAGE, "--timeout", "5"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("could not test") && run.stderr.contains("the TLS handshake with 127.0.0.1 failed"), "{}", run.stderr);
}

#[test]
fn informational_answers_are_skipped() {
    let port = serve(|stream, _| {
        write(stream, b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n")
    });
    let run = probe(port, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn blocked_is_1_bad_input_is_2() {
    let port = serve(|stream, _| write(stream, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    let run = probe(port, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("MissingAllowOriginHeader"));
    for args in [
        &["probe", "localhost:5000/api", "--origin", PAGE][..],
        &["probe", "http://127.0.0.1:5000/api", "--origin", "localhost:3000"],
        &["audit", "localhost:5000/api"],
        &["audit", "http://127.0.0.1:5000/api", "--trust", "localhost:3000"],
        &["probe", "http://127.0.0.1:5000/api", "--origin", PAGE, "--timeout", "0"],
    ] {
        let run = corsim(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn forgotten_schemes_and_loopback_names_get_advice() {
    let run = corsim(&["probe", "localhost:5000/api", "--origin", PAGE]);
    assert!(run.stderr.contains("has no scheme") && run.stderr.contains("\"http://localhost:5000/api\""), "{}", run.stderr);
    let run = corsim(&["explain", "localhost:5000/api", "--origin", "http://localhost:3000"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("write \"http://localhost:5000/api\""), "{}", run.stderr);
    let run = corsim(&["explain", "http://localhost:5000/api", "--origin", "localhost:3000"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("write \"http://localhost:3000\""), "{}", run.stderr);
    assert!(!run.stderr.contains("path, query or fragment"), "{}", run.stderr);

    let port = serve(|stream, _| write(stream, b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: http://localhost:3000\r\n\r\n"));
    let url = format!("http://127.0.0.1:{port}/x");
    let run = corsim(&["probe", &url, "--origin", &format!("http://localhost:{port}/")]);
    assert!(run.stderr.contains("ends with a slash"), "{}", run.stderr);
    assert!(run.stderr.contains("name the same machine but are different origins"), "{}", run.stderr);
}

/// A small API at `/items` on loopback whose CORS layer allows the origins
/// `allow` accepts (with credentials), answers preflights, sends
/// `Vary: Origin` and puts CORS headers on its errors unless told otherwise.
#[derive(Clone, Copy)]
struct Api {
    allow: fn(&str) -> bool,
    star: bool,
    vary: bool,
    cors_on_errors: bool,
    answer_options: bool,
    /// Every path answers 200 (a catch-all); other methods get 405.
    catch_all: bool,
}

const TRUSTED: &str = "http://app.localhost:8001";

const CORRECT: Api = Api {
    allow: |o| o == TRUSTED,
    star: false,
    vary: true,
    cors_on_errors: true,
    answer_options: true,
    catch_all: false,
};

fn api(cfg: Api) -> u16 {
    serve(move |stream, req| {
        let status = if req.preflight {
            if cfg.answer_options {
                204
            } else {
                405
            }
        } else if req.method != "GET" && req.method != "HEAD" {
            405
        } else if cfg.catch_all || req.path == "/items" {
            200
        } else {
            404
        };
        let mut head = format!("HTTP/1.1 {status} X\r\n");
        if cfg.vary {
            head.push_str("Vary: Origin\r\n");
        }
        if status < 400 || cfg.cors_on_errors {
            if cfg.star {
                head.push_str("Access-Control-Allow-Origin: *\r\n");
            } else if let Some(o) = req.origin.as_deref().filter(|o| (cfg.allow)(o)) {
                head.push_str(&format!("Access-Control-Allow-Origin: {o}\r\n"));
            }
            head.push_str("Access-Control-Allow-Credentials: true\r\n");
            if req.preflight {
                head.push_str("Access-Control-Allow-Methods: GET, PUT\r\nAccess-Control-Allow-Headers: Content-Type\r\n");
            }
        }
        head.push_str("Content-Length: 0\r\nConnection: close\r\n\r\n");
        write(stream, head.as_bytes());
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
    })
}

/// `corsim audit --json` of a server, trusting `TRUSTED`: the exit status
/// and the classes found.
fn classes(cfg: Api) -> (i32, Vec<String>, serde_json::Value) {
    let port = api(cfg);
    let url = format!("http://127.0.0.1:{port}/items");
    let run = corsim(&["audit", &url, "--trust", TRUSTED, "--json", "--timeout", "5"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(0), "{report}");
    let found = report["findings"].as_array().unwrap().iter().map(|f| f["class"].as_str().unwrap().to_owned()).collect();
    (run.code, found, report)
}

#[test]
fn each_audit_class_is_found_and_labelled_on_a_live_server() {
    let cases: Vec<(&str, Api, &[&str])> = vec![
        ("correct", CORRECT, &[]),
        ("reflects any origin", Api { allow: |_| true, ..CORRECT }, &["reflects-any-origin"]),
        ("null", Api { allow: |o| o == TRUSTED || o == "null", ..CORRECT }, &["null-allowed"]),
        (
            "any subdomain",
            Api { allow: |o| o == TRUSTED || (o.starts_with("http://") && o.ends_with(".app.localhost:8001")), ..CORRECT },
            &["any-subdomain"],
        ),
        ("suffix match", Api { allow: |o| o.ends_with("app.localhost:8001"), ..CORRECT }, &["suffix-match"]),
        // A starts-with check written without the port.
        ("prefix match", Api { allow: |o| o.starts_with("http://app.localhost"), ..CORRECT }, &["prefix-match"]),
        (
            "unescaped dot",
            Api {
                allow: |o| o.len() == TRUSTED.len() && o.bytes().zip(TRUSTED.bytes()).all(|(c, p)| p == b'.' || c == p),
                ..CORRECT
            },
            &["unescaped-dot"],
        ),
        ("any port", Api { allow: |o| o.starts_with("http://app.localhost:"), ..CORRECT }, &["any-port"]),
        ("* with credentials", Api { star: true, ..CORRECT }, &["wildcard-with-credentials"]),
        ("no Vary", Api { vary: false, ..CORRECT }, &["vary-origin-missing"]),
        ("errors without CORS", Api { cors_on_errors: false, ..CORRECT }, &["errors-without-cors"]),
        (
            "errors without CORS behind a catch-all route",
            Api { cors_on_errors: false, catch_all: true, ..CORRECT },
            &["errors-without-cors"],
        ),
        ("preflight not answered", Api { answer_options: false, ..CORRECT }, &["preflight-not-answered"]),
    ];
    for (name, cfg, want) in cases {
        let (code, found, report) = classes(cfg);
        assert_eq!(found, want, "{name}: {report:#}");
        assert_eq!(code, if want.is_empty() { 0 } else { 1 }, "{name}");
    }
}

#[test]
fn the_http_downgrade_is_found_for_an_https_site() {
    // The audited URL is http:// on loopback, but the trusted origin is https://.
    let port = api(Api { allow: |o| o.ends_with("//app.localhost:8001"), ..CORRECT });
    let url = format!("http://127.0.0.1:{port}/items");
    let run = corsim(&["audit", &url, "--trust", "https://app.localhost:8001", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["class"].as_str().unwrap()).collect();
    assert_eq!(found, ["http-origin-trusted"], "{report:#}");
    assert_eq!(run.code, 1);
}

#[test]
fn help_documents_the_exit_statuses() {
    for command in ["probe", "audit", "run", "explain", "serve", "playground"] {
        let run = corsim(&[command, "--help"]);
        assert_eq!(run.code, 0);
        assert!(run.stdout.contains("Exit status"), "{command}: {}", run.stdout);
        if command != "explain" {
            assert!(run.stdout.contains("3 when it could not test"), "{command}: {}", run.stdout);
        }
    }
}

/// A folder of its own under the system's temporary folder.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("corsim-live-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_port_that_cannot_be_bound_is_named() {
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let dir = scratch("serve");
    let file = dir.join("s.jsonl");
    let line = format!(
        r#"{{"id":"x","origin":"http://127.0.0.1:{port}","steps":[{{"request":{{"url":"http://127.0.0.1:{port}/a"}}}}],"server":{{}}}}"#
    );
    std::fs::write(&file, line + "\n").unwrap();
    let run = corsim(&["serve", file.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(&format!("cannot listen on port {port}")), "{}", run.stderr);
    assert!(!run.stdout.contains("Serving"), "nothing is announced: {}", run.stdout);

    let web = dir.join("web");
    std::fs::create_dir_all(web.join("pkg")).unwrap();
    std::fs::write(web.join("index.html"), "page").unwrap();
    std::fs::write(web.join("pkg/corsim_explain_bg.wasm"), "wasm").unwrap();
    let run = corsim(&["playground", "--port", &port.to_string(), "--dir", web.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(&format!("cannot listen on port {port}")), "{}", run.stderr);
    drop(held);
    std::fs::remove_dir_all(&dir).unwrap();
}
