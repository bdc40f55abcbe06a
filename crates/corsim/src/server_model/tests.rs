use super::*;
use crate::{fetch::run, CredentialsMode, Origin, PreflightCache, Profile, RequestInit, Timestamp};

fn verdict(model: &ServerModel, init: &RequestInit) -> crate::Verdict {
    run(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(), init, &mut PreflightCache::new(), Timestamp::ZERO, |r| {
        model.answer(r)
    })
}

#[test]
fn express_defaults_pass_a_preflighted_put_but_not_credentials() {
    let model = ServerModel::ExpressCors(express::Options::default());
    let put = RequestInit::get("https://api.example/items").method("PUT").header("X-Trace", "1");
    assert!(verdict(&model, &put).outcome.is_ok());
    let with_credentials = RequestInit::get("https://api.example/items").credentials(CredentialsMode::Include);
    let failure = verdict(&model, &with_credentials).outcome.unwrap_err();
    assert_eq!(failure.cors_error().unwrap().error.name(), "WildcardOriginNotAllowed");
}

#[test]
fn starlette_refuses_a_lower_case_method_even_with_every_method_allowed() {
    let model = ServerModel::Starlette(starlette::Options {
        allow_origins: vec!["https://app.example".into()],
        allow_methods: vec!["*".into()],
        ..Default::default()
    });
    let patch = RequestInit::get("https://api.example/items").method("patch");
    let failure = verdict(&model, &patch).outcome.unwrap_err();
    assert_eq!(failure.cors_error().unwrap().error.name(), "PreflightInvalidStatus");
}

#[test]
fn node_answers_an_unknown_method_400_before_express() {
    let model = ServerModel::ExpressCors(express::Options::default());
    let request = crate::preflight::preflight_request(
        &Profile::CHROMIUM,
        &"https://api.example/items".parse().unwrap(),
        "patch",
        &crate::TokenList::new(),
        "https://app.example",
    );
    assert_eq!(model.answer(&request).status, 204);
    let actual = HttpRequest { method: "patch".into(), ..request };
    assert_eq!(model.answer(&actual).status, 400);
}

#[test]
fn tower_http_credentials_with_any_is_refused_as_the_library_panics() {
    let options = tower_http::Options {
        allow_origin: Some(tower_http::Setting::Keyword("*".into())),
        allow_credentials: true,
        ..Default::default()
    };
    let err = ServerModel::TowerHttp(options).validate().unwrap_err();
    assert!(err.0.contains("Access-Control-Allow-Origin: *"), "{err}");
}

/// The README's example.
#[cfg(feature = "serde")]
#[test]
fn readme_example_django_allows_a_credentialed_put() {
    let model: ServerModel = serde_json::from_str(
        r#"{"library": "django-cors-headers",
    "options": {"CORS_ALLOWED_ORIGINS": ["https://app.example"], "CORS_ALLOW_CREDENTIALS": true}}"#,
    )
    .unwrap();
    let init = RequestInit::get("https://api.example/items").method("PUT").credentials(CredentialsMode::Include);
    assert!(verdict(&model, &init).outcome.is_ok());
}

fn preflight(method: &str, headers: &[&str], origin: &str) -> HttpRequest {
    let names: crate::TokenList = headers.iter().collect();
    crate::preflight::preflight_request(&Profile::CHROMIUM, &"https://api.example/items".parse().unwrap(), method, &names, origin)
}

fn header(response: &HttpResponse, name: &str) -> Option<String> {
    response.headers.get(name).map(|v| String::from_utf8_lossy(&v).into_owned())
}

/// Spring is read from its source, not compared with it: these pin what
/// was read (`registry.addMapping("/**")`'s permissive defaults).
#[test]
fn spring_add_mapping_defaults() {
    let model = ServerModel::Spring(spring::Options::default());
    let ok = model.answer(&preflight("POST", &["content-type", "x-trace"], "https://app.example"));
    assert_eq!(ok.status, 200);
    assert_eq!(header(&ok, "access-control-allow-origin").as_deref(), Some("*"));
    assert_eq!(header(&ok, "access-control-allow-methods").as_deref(), Some("GET,HEAD,POST"));
    assert_eq!(header(&ok, "access-control-allow-headers").as_deref(), Some("content-type,x-trace"));
    assert_eq!(header(&ok, "access-control-max-age").as_deref(), Some("1800"));
    assert_eq!(ok.headers.get_all("vary").count(), 3);
    let refused = model.answer(&preflight("PUT", &[], "https://app.example"));
    assert_eq!(refused.status, 403);
    assert_eq!(header(&refused, "access-control-allow-origin"), None);
    let credentials = spring::Options { allow_credentials: true, ..Default::default() };
    assert!(ServerModel::Spring(credentials).validate().is_err());
}

#[test]
fn spring_origin_patterns_and_star_methods() {
    let model = ServerModel::Spring(spring::Options {
        allowed_origin_patterns: Some(vec!["https://*.example:[8443,9443]".into()]),
        allowed_methods: Some(vec!["*".into()]),
        allow_credentials: true,
        ..Default::default()
    });
    assert!(model.validate().is_ok());
    let ok = model.answer(&preflight("patch", &[], "https://app.example:8443"));
    assert_eq!(header(&ok, "access-control-allow-origin").as_deref(), Some("https://app.example:8443"));
    assert_eq!(header(&ok, "access-control-allow-methods").as_deref(), Some("patch"));
    for refused in ["https://app.example", "https://app.example:8080", "http://app.example:8443"] {
        assert_eq!(model.answer(&preflight("GET", &[], refused)).status, 403, "{refused}");
    }
}
