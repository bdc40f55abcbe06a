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
    assert_eq!(report.classes(), [Class::ReflectsAnyOrigin], "{report}");
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
    assert_eq!(report.classes(), [Class::ReflectsAnyOrigin], "{report}");
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
fn ends_with_check_is_a_suffix_match_and_lets_http_through() {
    let report = audit(Config { allow: |o| o.ends_with("app.example"), ..CORRECT });
    // The subdomain is the suffix match's doing, not a separate rule.
    assert_eq!(report.classes(), [Class::SuffixMatch, Class::HttpOriginTrusted], "{report}");
    assert_eq!(report.finding(Class::SuffixMatch).unwrap().origins, ["https://evilapp.example", "https://evil.app.example"]);
}

#[test]
fn starts_with_check_is_a_prefix_match_and_lets_ports_through() {
    let report = audit(Config { allow: |o| o.starts_with(APP), ..CORRECT });
    assert_eq!(report.classes(), [Class::PrefixMatch], "{report}");
    assert_eq!(report.findings[0].origins, ["https://app.example.evil.test", "https://app.example:8443"]);
    assert_eq!(report.findings[0].severity, Severity::High);
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
    assert_eq!(report.classes(), [Class::AnySubdomain], "{report}");
    assert_eq!(report.findings[0].severity, Severity::Medium);
}

#[test]
fn http_origin_trusted() {
    let report = audit(Config { allow: |o| o == APP || o == "http://app.example", ..CORRECT });
    assert_eq!(report.classes(), [Class::HttpOriginTrusted], "{report}");
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
    assert_eq!(json["findings"][0]["class"], "reflects-any-origin");
    assert_eq!(json["findings"][0]["severity"], "critical");
    assert_eq!(json["findings"][0]["credentials"], true);
    assert!(json["probes"].as_array().unwrap().len() >= 10);
}

/// A server for `https://api.example.com/items` trusting `allow`, with
/// everything else correct, audited with the default trusted origins
/// (`https://api.example.com` and `https://example.com`) plus `app`.
fn audit_dot_com(allow: fn(&str) -> bool) -> corsim::audit::Report {
    let report = Audit::new("https://api.example.com/items")
        .unwrap()
        .trust("https://app.example.com")
        .unwrap()
        .run(move |req: &HttpRequest| {
            let origin = req.headers.get("origin").map(|v| String::from_utf8(v).unwrap());
            let mut res = HttpResponse::new(if req.is_preflight { 204 } else if req.url.path() == "/items" { 200 } else { 404 })
                .header("Vary", "Origin");
            if let Some(o) = origin.as_deref().filter(|o| *o == "https://app.example.com" || allow(o)) {
                res = res.header("Access-Control-Allow-Origin", o).header("Access-Control-Allow-Credentials", "true");
            }
            if req.is_preflight {
                res = res.header("Access-Control-Allow-Methods", "PUT").header("Access-Control-Allow-Headers", "content-type");
            }
            Ok::<_, Infallible>(res)
        });
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

#[test]
fn a_plain_subdomain_of_a_trusted_site_is_any_subdomain_not_a_suffix_match() {
    // Proper "any subdomain of example.com": `evilapp.example.com` is one.
    let report = audit_dot_com(|o| o.starts_with("https://") && o.ends_with(".example.com"));
    assert_eq!(report.classes(), [Class::AnySubdomain], "{report}");
    let f = &report.findings[0];
    assert!(f.origins.contains(&"https://evilapp.example.com".to_owned()), "{f:?}");
    assert_eq!(f.severity, Severity::Medium);
}

#[test]
fn a_suffix_match_is_not_an_unescaped_dot() {
    // `ends_with("example.com")`, no regular expression anywhere.
    let report = audit_dot_com(|o| o.ends_with("example.com"));
    assert_eq!(report.classes(), [Class::SuffixMatch, Class::HttpOriginTrusted], "{report}");
    let f = report.finding(Class::SuffixMatch).unwrap();
    assert!(f.origins.contains(&"https://evilexample.com".to_owned()), "{f:?}");
    assert!(f.origins.contains(&"https://appxexample.com".to_owned()), "{f:?}");
}

#[test]
fn an_unescaped_dot_in_a_longer_host() {
    let report = audit_dot_com(|o| unescaped_dot_match("https://app.example.com", o));
    assert_eq!(report.classes(), [Class::UnescapedDot], "{report}");
    assert_eq!(report.findings[0].origins, ["https://appxexample.com", "https://app.examplexcom"]);
}

#[test]
fn another_port_alone_is_any_port() {
    let report = audit(Config { allow: |o| o.strip_suffix(":8443").unwrap_or(o) == APP, ..CORRECT });
    assert_eq!(report.classes(), [Class::AnyPort], "{report}");
}

/// A server whose every path answers 200 (a catch-all route), which refuses
/// other methods with 405 and malformed paths with 400, never with CORS
/// headers on its errors.
fn catch_all(refuse_post: bool, refuse_malformed: bool) -> impl FnMut(&HttpRequest) -> Result<HttpResponse, Infallible> {
    move |req| {
        let bad_path = req.url.path().contains("%zz");
        let status = match (req.method.as_str(), bad_path) {
            ("POST", _) if refuse_post => 405,
            (_, true) if refuse_malformed => 400,
            _ => 200,
        };
        let mut res = HttpResponse::new(status).header("Vary", "Origin");
        if status < 400 && req.headers.get("origin").as_deref() == Some(APP.as_bytes()) {
            res = res.header("Access-Control-Allow-Origin", APP).header("Access-Control-Allow-Credentials", "true");
        }
        if req.is_preflight {
            res = res.header("Access-Control-Allow-Methods", "PUT").header("Access-Control-Allow-Headers", "content-type");
        }
        Ok(res)
    }
}

#[test]
fn errors_are_found_without_a_missing_path() {
    let audit = Audit::new("https://api.example/items").unwrap().trust(APP).unwrap();
    let report = audit.run(catch_all(true, false));
    assert_eq!(report.classes(), [Class::ErrorsWithoutCors], "{report}");
    assert!(report.findings[0].evidence.starts_with("POST https://api.example/items from https://app.example"), "{report}");
    let report = audit.run(catch_all(false, true));
    assert_eq!(report.classes(), [Class::ErrorsWithoutCors], "{report}");
    assert!(report.findings[0].evidence.contains("https://api.example/items/%zz answered 400"), "{report}");
    // No error anywhere: not checked, and said so.
    let report = audit.run(catch_all(false, false));
    assert!(report.findings.is_empty(), "{report}");
    assert_eq!(report.unchecked.len(), 1);
    assert!(report.to_string().contains("not checked: errors-without-cors: no request tried got an error status"), "{report}");
}

#[test]
fn an_audit_that_could_not_test_never_says_nothing_was_found() {
    let report = Audit::new("https://api.example/items").unwrap().run(|_req: &HttpRequest| Err::<HttpResponse, _>("timed out"));
    assert!(!report.complete());
    let text = report.to_string();
    assert!(!text.contains("no misconfiguration found"), "{text}");
    assert!(text.contains("could not test: no request was answered (1 sent)"), "{text}");
    // Some answered, some not: still not "nothing found".
    let mut n = 0;
    let report = Audit::new("https://api.example/items").unwrap().trust(APP).unwrap().run(|req: &HttpRequest| {
        n += 1;
        if n > 3 {
            return Err("connection reset");
        }
        server(CORRECT)(req)
            .map_err(|e| match e {})
    });
    let text = report.to_string();
    assert!(!report.complete() && report.findings.is_empty(), "{text}");
    assert!(text.contains("could not test everything"), "{text}");
    assert!(!text.contains("no misconfiguration found"), "{text}");
}

/// The audit sends only what a browser would send: nothing to a bad port
/// (for any origin), nothing from an `https:` page to an `http:` URL that is
/// not potentially trustworthy (mixed content; loopback too in WebKit), and
/// an audit that could send nothing is not a clean bill of health.
#[test]
fn sends_nothing_the_browser_would_not_send() {
    let seen = |url: &str, trust: &str, profile: &corsim::Profile| {
        let mut sent: Vec<(String, Option<String>)> = Vec::new();
        let report = Audit::new(url).unwrap().trust(trust).unwrap().profile(profile).run(|req: &HttpRequest| {
            let origin = req.headers.get("origin").map(|v| String::from_utf8(v).unwrap());
            sent.push((req.url.to_string(), origin));
            Ok::<_, Infallible>(HttpResponse::new(200).header("Access-Control-Allow-Origin", "*"))
        });
        (report, sent)
    };
    for profile in [&corsim::Profile::CHROMIUM, &corsim::Profile::FIREFOX, &corsim::Profile::WEBKIT] {
        let (report, sent) = seen("https://api.example:6000/items", APP, profile);
        assert_eq!(sent, [], "a bad port, {}", profile.browser.name());
        assert_eq!(report.requests_sent, 0);
        assert!(!report.complete() && report.findings.is_empty(), "nothing sent, nothing concluded: {report}");
        // An http: API: the https: pages never reach it (mixed content); only http: origins' probes do.
        let (_, sent) = seen("http://api.example/items", APP, profile);
        assert!(!sent.is_empty(), "the http: origins' probes are sent, {}", profile.browser.name());
        let https: Vec<_> = sent.iter().filter(|(_, o)| o.as_deref().is_some_and(|o| o.starts_with("https:"))).collect();
        assert_eq!(https, Vec::<&(String, Option<String>)>::new(), "mixed content sent, {}", profile.browser.name());
    }
    // WebKit does not exempt loopback from mixed content.
    let (_, sent) = seen("http://127.0.0.1:8080/items", APP, &corsim::Profile::WEBKIT);
    assert!(sent.iter().all(|(_, o)| !o.as_deref().is_some_and(|o| o.starts_with("https:"))), "{sent:?}");
    let (_, sent) = seen("http://127.0.0.1:8080/items", APP, &corsim::Profile::CHROMIUM);
    assert!(sent.iter().any(|(_, o)| o.as_deref() == Some(APP)), "loopback is exempt in Chromium: {sent:?}");
}
