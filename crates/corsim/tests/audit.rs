//! The audit against small in-process servers, each with one misconfiguration
//! (and the classes it implies), and a correct one where nothing is found.

use std::convert::Infallible;

use corsim::audit::{Audit, Class, Severity};
use corsim::{HttpRequest, HttpResponse};

const APP: &str = "https://app.example";

/// A server for `https://api.example/items` (404 elsewhere) that shares its
/// responses with the origins `allow` accepts.
#[derive(Clone, Copy)]
struct Config {
    allow: fn(&str) -> bool,
    star: bool,
    credentials: bool,
    vary: bool,
    cors_on_errors: bool,
    answer_options: bool,
}

const CORRECT: Config = Config {
    allow: |o| o == APP,
    star: false,
    credentials: true,
    vary: true,
    cors_on_errors: true,
    answer_options: true,
};

fn server(cfg: Config) -> impl FnMut(&HttpRequest) -> Result<HttpResponse, Infallible> {
    move |req| {
        let origin = req.headers.get("origin").map(|v| String::from_utf8(v).unwrap());
        let status = if req.is_preflight {
            if cfg.answer_options {
                204
            } else {
                405
            }
        } else if req.url.path() == "/items" {
            200
        } else {
            404
        };
        let mut res = HttpResponse::new(status);
        if cfg.vary {
            res = res.header("Vary", "Origin");
        }
        if status < 400 || cfg.cors_on_errors {
            if cfg.star {
                res = res.header("Access-Control-Allow-Origin", "*");
            } else if let Some(o) = origin.as_deref().filter(|o| (cfg.allow)(o)) {
                res = res.header("Access-Control-Allow-Origin", o);
            }
            if cfg.credentials {
                res = res.header("Access-Control-Allow-Credentials", "true");
            }
            if req.is_preflight {
                res = res.header("Access-Control-Allow-Methods", "GET, PUT").header("Access-Control-Allow-Headers", "Content-Type");
            }
        }
        Ok(res)
    }
}

fn audit(cfg: Config) -> corsim::audit::Report {
    let report = Audit::new("https://api.example/items").unwrap().trust(APP).unwrap().run(server(cfg));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.requests_sent <= Audit::MAX_REQUESTS);
    report
}

/// `pattern` as a regular expression whose `.` was left unescaped.
fn unescaped_dot_match(pattern: &str, s: &str) -> bool {
    pattern.len() == s.len() && pattern.bytes().zip(s.bytes()).all(|(p, c)| p == b'.' || p == c)
}

#[test]
fn correct_server_has_no_findings() {
    let report = audit(CORRECT);
    assert!(report.findings.is_empty(), "{report}");
    assert!(report.to_string().contains("no misconfiguration found"), "{report}");
    assert!(report.requests_sent <= 20, "bounded: {} requests", report.requests_sent);
}

#[test]
fn reflection_with_credentials_is_critical_and_subsumes_look_alikes() {
    let report = audit(Config { allow: |_| true, ..CORRECT });
    assert_eq!(report.classes(), [Class::OriginReflected], "{report}");
    let f = &report.findings[0];
    assert_eq!((f.severity, f.credentials), (Severity::Critical, true));
    assert!(f.origins.contains(&"https://corsim-audit-evil.example".to_owned()));
    assert!(f.evidence.contains("access-control-allow-origin: https://corsim-audit-evil.example"), "{}", f.evidence);
    assert!(f.evidence.ends_with("script can read it"), "{}", f.evidence);
    assert_eq!(report.worst(), Some(Severity::Critical));
}

#[test]
fn reflection_without_credentials_is_low() {
    let report = audit(Config { allow: |_| true, credentials: false, ..CORRECT });
    assert_eq!(report.classes(), [Class::OriginReflected], "{report}");
    assert_eq!((report.findings[0].severity, report.findings[0].credentials), (Severity::Low, false));
}

#[test]
fn null_allowed() {
    let report = audit(Config { allow: |o| o == APP || o == "null", ..CORRECT });
    assert_eq!(report.classes(), [Class::NullAllowed], "{report}");
    assert_eq!(report.findings[0].severity, Severity::High);
    assert_eq!(report.findings[0].origins, ["null"]);
}

#[test]
fn ends_with_check_lets_prefixes_subdomains_and_http_through() {
    let report = audit(Config { allow: |o| o.ends_with("app.example"), ..CORRECT });
    assert_eq!(report.classes(), [Class::PrefixLookAlike, Class::SubdomainTrusted, Class::InsecureOriginTrusted], "{report}");
    assert_eq!(report.finding(Class::PrefixLookAlike).unwrap().origins, ["https://evilapp.example"]);
}

#[test]
fn starts_with_check_lets_suffixes_and_ports_through() {
    let report = audit(Config { allow: |o| o.starts_with(APP), ..CORRECT });
    assert_eq!(report.classes(), [Class::SuffixLookAlike, Class::SubdomainTrusted], "{report}");
    assert_eq!(report.finding(Class::SuffixLookAlike).unwrap().origins, ["https://app.example.evil.test"]);
    assert_eq!(report.finding(Class::SubdomainTrusted).unwrap().origins, ["https://app.example:8443"]);
}

#[test]
fn unescaped_dot() {
    let report = audit(Config { allow: |o| unescaped_dot_match("https://app.example", o), ..CORRECT });
    assert_eq!(report.classes(), [Class::UnescapedDot], "{report}");
    assert_eq!(report.findings[0].origins, ["https://appxexample"]);
}

#[test]
fn any_subdomain() {
    let report = audit(Config { allow: |o| o == APP || (o.starts_with("https://") && o.ends_with(".app.example")), ..CORRECT });
    assert_eq!(report.classes(), [Class::SubdomainTrusted], "{report}");
    assert_eq!(report.findings[0].severity, Severity::Medium);
}

#[test]
fn http_origin_trusted() {
    let report = audit(Config { allow: |o| o == APP || o == "http://app.example", ..CORRECT });
    assert_eq!(report.classes(), [Class::InsecureOriginTrusted], "{report}");
}

#[test]
fn wildcard_with_credentials() {
    let report = audit(Config { star: true, ..CORRECT });
    assert_eq!(report.classes(), [Class::WildcardWithCredentials], "{report}");
    let f = &report.findings[0];
    assert!(f.console.as_deref().unwrap().contains("must not be the wildcard '*' when the request's credentials mode is 'include'"), "{f:?}");
}

#[test]
fn public_wildcard_is_fine() {
    let report = audit(Config { star: true, credentials: false, vary: false, ..CORRECT });
    assert!(report.findings.is_empty(), "{report}");
}

#[test]
fn vary_origin_missing() {
    let report = audit(Config { vary: false, ..CORRECT });
    assert_eq!(report.classes(), [Class::VaryOriginMissing], "{report}");
    assert!(report.findings[0].evidence.contains("without `Vary: Origin`"), "{}", report.findings[0].evidence);
}

#[test]
fn errors_without_cors() {
    let report = audit(Config { cors_on_errors: false, ..CORRECT });
    assert_eq!(report.classes(), [Class::ErrorsWithoutCors], "{report}");
    let f = &report.findings[0];
    assert!(f.evidence.contains("https://api.example/items/corsim-audit-missing answered 404 with vary: Origin; the browser blocks it"), "{}", f.evidence);
    assert!(f.console.as_deref().unwrap().contains("No 'Access-Control-Allow-Origin' header is present"), "{f:?}");
}

#[test]
fn preflight_not_answered() {
    let report = audit(Config { answer_options: false, ..CORRECT });
    assert_eq!(report.classes(), [Class::PreflightNotAnswered], "{report}");
    let f = &report.findings[0];
    assert!(f.evidence.contains("OPTIONS https://api.example/items answered 405"), "{}", f.evidence);
}

#[test]
fn default_trusted_origins_come_from_the_url() {
    let a = Audit::new("https://api.example.com/v1/items").unwrap();
    let trusted: Vec<String> = a.trusted().iter().map(|o| o.to_string()).collect();
    assert_eq!(trusted, ["https://api.example.com", "https://example.com"]);
    assert!(Audit::new("ftp://x.example/").is_err());
    assert!(Audit::new("https://x.example/").unwrap().trust("null").is_err());
}

#[test]
fn network_errors_are_listed_not_fatal() {
    let report = Audit::new("https://api.example/items").unwrap().run(|_req: &HttpRequest| Err::<HttpResponse, _>("timed out"));
    assert!(report.findings.is_empty());
    assert_eq!(report.errors, ["GET https://api.example/items: timed out"]);
    assert_eq!(report.requests_sent, 1, "an identical request is sent once");
}

#[test]
fn other_profiles() {
    let report = Audit::new("https://api.example/items")
        .unwrap()
        .trust(APP)
        .unwrap()
        .profile(&corsim::Profile::FIREFOX)
        .run(server(Config { star: true, ..CORRECT }));
    assert_eq!(report.classes(), [Class::WildcardWithCredentials]);
    assert!(report.findings[0].console.as_deref().unwrap().contains("Credential is not supported"), "{report}");
}

#[test]
fn the_report_serializes_for_the_command_line() {
    let report = audit(Config { allow: |_| true, ..CORRECT });
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["url"], "https://api.example/items");
    assert_eq!(json["findings"][0]["class"], "origin-reflected");
    assert_eq!(json["findings"][0]["severity"], "critical");
    assert_eq!(json["findings"][0]["credentials"], true);
    assert!(json["probes"].as_array().unwrap().len() >= 10);
}
