//! corsim's server models against the real libraries, header for header.
//!
//! For Express `cors`, Starlette, flask-cors, django-cors-headers, nginx, Go's
//! rs/cors, Apache httpd, actix-cors (built apart, in tests/servers/actix_app) and
//! Next.js, the
//! libraries' answers were recorded by `tests/servers/record.py` (run by
//! `tests/servers/run.sh`, which installs them): the committed recordings in
//! `tests/servers/recorded/`, or fresh ones from the directory named by
//! `CORSIM_SERVER_RECORDINGS`. tower-http's `CorsLayer` is built and called
//! in-process. Every request of `requests.json` is sent with every option
//! set of `options.json`; the model must give the same status, reach the
//! route exactly when the library does, and send the same CORS headers
//! (`Access-Control-*` and `Vary`): the same names in the same case, the
//! same values, as many times.

use std::collections::BTreeMap;
use std::path::PathBuf;

use corsim::server_model::{tower_http as model_tower, ServerModel};
use corsim::{HeaderList, HttpRequest, HttpResponse};
use serde_json::Value;

const OPTIONS: &str = include_str!("options.json");
const REQUESTS: &str = include_str!("requests.json");

/// The route of the test applications (`*_app.*`): it answers every method
/// it routes with 200 and `X-Route: hit`, in the framework's header case.
fn route(library: &str) -> impl FnMut(&HttpRequest) -> HttpResponse + '_ {
    move |request: &HttpRequest| match library {
        // Starlette routes methods case-sensitively: `patch` is not PATCH.
        "starlette" => {
            const ROUTED: [&str; 8] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY"];
            if ROUTED.contains(&request.method.as_str()) {
                HttpResponse::new(200).header("x-route", "hit")
            } else {
                HttpResponse::new(405)
            }
        }
        // A route handler's Response headers are lower-case.
        "nextjs" => HttpResponse::new(200).header("x-route", "hit"),
        _ => HttpResponse::new(200).header("X-Route", "hit"),
    }
}

fn request(spec: &Value, path: &str) -> HttpRequest {
    let mut headers = HeaderList::new();
    for pair in spec["headers"].as_array().unwrap() {
        headers.append(pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
    }
    let method = spec["method"].as_str().unwrap().to_owned();
    let is_preflight = method == "OPTIONS" && headers.contains("access-control-request-method");
    HttpRequest { method, url: format!("http://127.0.0.1{path}").parse().unwrap(), headers, is_preflight }
}

fn is_cors_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("access-control-") || lower == "vary"
}

/// actix-cors joins its method and header lists in a hash set's order,
/// which changes from one process to the next: those lists are compared as
/// sets.
fn unordered(library: &str, name: &str, value: &str) -> String {
    const LISTS: [&str; 3] = ["access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers"];
    if library == "actix-cors" && LISTS.contains(&name.to_ascii_lowercase().as_str()) {
        let mut items: Vec<&str> = value.split(", ").collect();
        items.sort_unstable();
        items.join(", ")
    } else {
        value.to_owned()
    }
}

/// The claims one answer makes: its status, whether the route was reached,
/// and each CORS header name's values (name case kept).
fn claims(library: &str, status: u16, headers: &[(String, String)]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert("status".to_owned(), status.to_string());
    out.insert("route reached".to_owned(), headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("x-route")).to_string());
    for (name, value) in headers.iter().filter(|(n, _)| is_cors_header(n)) {
        let entry = out.entry(name.to_ascii_lowercase()).or_insert_with(String::new);
        if !entry.is_empty() {
            entry.push_str(" | ");
        }
        entry.push_str(&format!("{name}: {}", unordered(library, name, value)));
    }
    out
}

fn pairs(headers: &HeaderList) -> Vec<(String, String)> {
    headers.iter().map(|h| (String::from_utf8_lossy(h.name).into_owned(), String::from_utf8_lossy(h.value).into_owned())).collect()
}

#[derive(Default)]
struct Tally {
    claims: usize,
    claims_matching: usize,
    answers: usize,
    answers_matching: usize,
    differences: Vec<String>,
}

impl Tally {
    fn compare(&mut self, library_name: &str, what: &str, library: &HttpResponse, model: &HttpResponse) {
        let real = claims(library_name, library.status, &pairs(&library.headers));
        let predicted = claims(library_name, model.status, &pairs(&model.headers));
        let names: std::collections::BTreeSet<&String> = real.keys().chain(predicted.keys()).collect();
        let mut all = true;
        for name in names {
            self.claims += 1;
            let (r, p) = (real.get(name), predicted.get(name));
            if r == p {
                self.claims_matching += 1;
            } else {
                all = false;
                self.differences.push(format!("{what}: {name}: library {r:?}, model {p:?}"));
            }
        }
        self.answers += 1;
        self.answers_matching += usize::from(all);
    }
}

fn recordings_dir() -> PathBuf {
    match std::env::var_os("CORSIM_SERVER_RECORDINGS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("servers/recorded"),
    }
}

fn compare_recorded(library: &str, tally: &mut Tally) -> Option<String> {
    let path = recordings_dir().join(format!("{library}.json"));
    let text = std::fs::read_to_string(&path).ok()?;
    let recording: Value = serde_json::from_str(&text).unwrap();
    let options: Value = serde_json::from_str(OPTIONS).unwrap();
    let requests: Value = serde_json::from_str(REQUESTS).unwrap();
    let path_str = requests["path"].as_str().unwrap();
    for answer in recording["answers"].as_array().unwrap() {
        let set_name = answer["options"].as_str().unwrap();
        let set = options[library].as_array().unwrap().iter().find(|s| s["name"] == set_name).unwrap();
        let model: ServerModel =
            serde_json::from_value(serde_json::json!({"library": library, "options": set["options"]})).unwrap();
        model.validate().unwrap();
        let spec = requests["requests"].as_array().unwrap().iter().find(|r| r["name"] == answer["request"]).unwrap();
        let request = request(spec, path_str);
        let mut real = HttpResponse::new(answer["status"].as_u64().unwrap() as u16);
        for pair in answer["headers"].as_array().unwrap() {
            real.headers.append(pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        }
        let predicted = model.respond(&request, &mut route(library));
        tally.compare(library, &format!("{library} {set_name} {}", spec["name"].as_str().unwrap()), &real, &predicted);
    }
    Some(format!("{library} {}", recording["versions"]))
}

/// tower-http's `CorsLayer` built from the same options as the model.
fn cors_layer(options: &model_tower::Options) -> tower_http::cors::CorsLayer {
    use axum::http::{HeaderName, HeaderValue, Method};
    use model_tower::Setting;
    use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, Any, CorsLayer, ExposeHeaders};
    let mut layer = CorsLayer::new();
    let header_names = |l: &Vec<String>| l.iter().map(|h| h.parse::<HeaderName>().unwrap()).collect::<Vec<_>>();
    match &options.allow_origin {
        Some(Setting::Keyword(k)) if k == "*" => layer = layer.allow_origin(Any),
        Some(Setting::Keyword(_)) => layer = layer.allow_origin(AllowOrigin::mirror_request()),
        Some(Setting::List(l)) => layer = layer.allow_origin(l.iter().map(|o| o.parse::<HeaderValue>().unwrap()).collect::<Vec<_>>()),
        None => {}
    }
    match &options.allow_methods {
        Some(Setting::Keyword(k)) if k == "*" => layer = layer.allow_methods(Any),
        Some(Setting::Keyword(_)) => layer = layer.allow_methods(AllowMethods::mirror_request()),
        Some(Setting::List(l)) => {
            layer = layer.allow_methods(l.iter().map(|m| Method::from_bytes(m.as_bytes()).unwrap()).collect::<Vec<_>>())
        }
        None => {}
    }
    match &options.allow_headers {
        Some(Setting::Keyword(k)) if k == "*" => layer = layer.allow_headers(Any),
        Some(Setting::Keyword(_)) => layer = layer.allow_headers(AllowHeaders::mirror_request()),
        Some(Setting::List(l)) => layer = layer.allow_headers(header_names(l)),
        None => {}
    }
    match &options.expose_headers {
        Some(Setting::Keyword(_)) => layer = layer.expose_headers(Any),
        Some(Setting::List(l)) => layer = layer.expose_headers(ExposeHeaders::list(header_names(l))),
        None => {}
    }
    if options.allow_credentials {
        layer = layer.allow_credentials(true);
    }
    if let Some(n) = options.max_age {
        layer = layer.max_age(std::time::Duration::from_secs(n));
    }
    if let Some(v) = &options.vary {
        layer = layer.vary(header_names(v));
    }
    layer
}

fn compare_tower(tally: &mut Tally) {
    use axum::routing::any;
    let options: Value = serde_json::from_str(OPTIONS).unwrap();
    let requests: Value = serde_json::from_str(REQUESTS).unwrap();
    let path = requests["path"].as_str().unwrap();
    for set in options["tower-http"].as_array().unwrap() {
        let model: ServerModel =
            serde_json::from_value(serde_json::json!({"library": "tower-http", "options": set["options"]})).unwrap();
        let ServerModel::TowerHttp(tower_options) = &model else { unreachable!() };
        let app = axum::Router::new()
            .route(path, any(|| async { ([("X-Route", "hit")], "ok") }))
            .layer(cors_layer(tower_options));
        for spec in requests["requests"].as_array().unwrap() {
            let request = request(spec, path);
            let mut service = app.clone();
            let real = corsim::harness::block_on(corsim::harness::call_service::<_, String, _>(&mut service, &request)).unwrap();
            let predicted = model.respond(&request, &mut |_| HttpResponse::new(200).header("x-route", "hit"));
            tally.compare("tower-http", &format!("tower-http {} {}", set["name"].as_str().unwrap(), spec["name"].as_str().unwrap()), &real, &predicted);
        }
    }
}

#[test]
fn models_answer_as_the_real_libraries() {
    let mut report = Vec::new();
    let mut total = Tally::default();
    for library in ["express-cors", "starlette", "flask-cors", "django-cors-headers", "nginx", "go-rs-cors", "apache", "actix-cors", "nextjs", "tower-http"] {
        let mut tally = Tally::default();
        let source = if library == "tower-http" {
            compare_tower(&mut tally);
            Some("tower-http 0.6 in-process".to_owned())
        } else {
            compare_recorded(library, &mut tally)
        };
        let Some(source) = source else {
            report.push(format!("{library}: no recording in {}", recordings_dir().display()));
            continue;
        };
        report.push(format!(
            "{source}: {}/{} answers identical, {}/{} claims",
            tally.answers_matching, tally.answers, tally.claims_matching, tally.claims
        ));
        total.claims += tally.claims;
        total.claims_matching += tally.claims_matching;
        total.answers += tally.answers;
        total.answers_matching += tally.answers_matching;
        total.differences.extend(tally.differences);
    }
    for line in &report {
        println!("{line}");
    }
    for d in &total.differences {
        println!("DIFFERS {d}");
    }
    println!(
        "server models: {} passed, {} failed (answers; claims {}/{})",
        total.answers_matching,
        total.answers - total.answers_matching,
        total.claims_matching,
        total.claims
    );
    assert!(total.answers > 0, "no recording found in {}", recordings_dir().display());
    assert!(total.differences.is_empty(), "{} claims differ", total.differences.len());
}

// ---------------------------------------------------------------------------
// The configurations `corsim explain` prints, pasted into the real libraries.

const EXPLAIN_CASES: &str = include_str!("explain-cases.json");

/// One fetch of explain-cases.json.
struct ExplainCase {
    name: String,
    origin: corsim::Origin,
    init: corsim::RequestInit,
}

fn explain_cases() -> Vec<ExplainCase> {
    let cases: Value = serde_json::from_str(EXPLAIN_CASES).unwrap();
    let url = cases["url"].as_str().unwrap();
    cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let credentials = match c["credentials"].as_str().unwrap() {
                "include" => corsim::CredentialsMode::Include,
                "omit" => corsim::CredentialsMode::Omit,
                _ => corsim::CredentialsMode::SameOrigin,
            };
            let mut init = corsim::RequestInit::get(url).method(c["method"].as_str().unwrap()).credentials(credentials);
            for pair in c["headers"].as_array().unwrap() {
                init = init.header(pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
            }
            ExplainCase { name: c["name"].as_str().unwrap().to_owned(), origin: corsim::Origin::parse(c["origin"].as_str().unwrap()).unwrap(), init }
        })
        .collect()
}

/// Every configuration explain prints for the case, with the `fetch()` the
/// fix has the page make (a lower-case method upper-cased).
fn explained(case: &ExplainCase) -> (corsim::RequestInit, Vec<corsim::explain::ServerConfig>) {
    let e = corsim::explain::explain(&corsim::Profile::CHROMIUM, case.origin.clone(), &case.init, |_| HttpResponse::new(200));
    let fix = e.fix.expect("each case is blocked as it stands");
    (fix.apply_to_request(&case.init), fix.configs)
}

/// The requests the browser sends with the configuration in place, as
/// record.py sends them (named by their position).
fn browser_requests(case: &ExplainCase, init: &corsim::RequestInit, model: &ServerModel) -> Vec<HttpRequest> {
    let verdict = corsim::fetch::run(
        &corsim::Profile::CHROMIUM,
        case.origin.clone(),
        init,
        &mut corsim::PreflightCache::new(),
        corsim::Timestamp::ZERO,
        |r| model.answer(r),
    );
    verdict.requests.clone()
}

/// explained.json: per library, one option set per case (the options of the
/// configuration explain prints) with the requests the browser then sends.
fn explained_option_sets() -> Value {
    let cases: Value = serde_json::from_str(EXPLAIN_CASES).unwrap();
    let url: corsim::HttpRequest = HttpRequest { method: String::new(), url: cases["url"].as_str().unwrap().parse().unwrap(), headers: HeaderList::new(), is_preflight: false };
    let mut out = serde_json::Map::new();
    out.insert("about".into(), "Generated by tests/servers/models.rs from explain-cases.json (UPDATE_EXPLAINED=1 rewrites it): the options of every configuration corsim explain prints, per library, and the requests the browser sends with it in place. record.py gives each to the real library.".into());
    out.insert("path".into(), url.url.path().into());
    for case in explain_cases() {
        let (init, configs) = explained(&case);
        for config in configs {
            let requests: Vec<Value> = browser_requests(&case, &init, &config.model)
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let headers: Vec<Value> = r
                        .headers
                        .iter()
                        .map(|h| serde_json::json!([String::from_utf8_lossy(h.name), String::from_utf8_lossy(h.value)]))
                        .collect();
                    serde_json::json!({"name": format!("{i}"), "method": r.method, "headers": headers})
                })
                .collect();
            let options = serde_json::to_value(&config.model).unwrap()["options"].clone();
            let set = serde_json::json!({"name": case.name, "options": options, "requests": requests});
            out.entry(config.library.clone()).or_insert_with(|| Value::Array(Vec::new())).as_array_mut().unwrap().push(set);
        }
    }
    Value::Object(out)
}

/// Run the case's fetch against answers: the i-th request gets `answer(i, request)`.
fn fetch_with(case: &ExplainCase, init: &corsim::RequestInit, mut answer: impl FnMut(usize, &HttpRequest) -> Option<HttpResponse>) -> corsim::Verdict {
    let mut i = 0;
    corsim::fetch::run(&corsim::Profile::CHROMIUM, case.origin.clone(), init, &mut corsim::PreflightCache::new(), corsim::Timestamp::ZERO, |r| {
        let a = answer(i, r).unwrap_or_else(|| HttpResponse::new(599));
        i += 1;
        a
    })
}

fn readable(verdict: &corsim::Verdict) -> bool {
    matches!(&verdict.outcome, Ok(r) if matches!(r.kind, corsim::ResponseType::Basic | corsim::ResponseType::Cors))
}

#[test]
fn explained_configurations_pass_on_the_real_libraries() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("servers/explained.json");
    let generated = explained_option_sets();
    let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
    if std::env::var_os("UPDATE_EXPLAINED").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == text, "tests/servers/explained.json is not what corsim explain prints now: UPDATE_EXPLAINED=1 rewrites it, then re-record with run.sh");
    let cases = explain_cases();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    let mut total = (0usize, 0usize);
    for library in ["express-cors", "starlette", "flask-cors", "django-cors-headers", "nginx", "go-rs-cors", "apache", "actix-cors", "nextjs", "tower-http"] {
        let mut tally = (0usize, 0usize);
        let source = if library == "tower-http" {
            use axum::routing::any;
            for case in &cases {
                let (init, configs) = explained(case);
                let config = configs.iter().find(|c| c.library == library).unwrap();
                let ServerModel::TowerHttp(options) = &config.model else { unreachable!() };
                let app = axum::Router::new().route("/items", any(|| async { ([("X-Route", "hit")], "ok") })).layer(cors_layer(options));
                let verdict = fetch_with(case, &init, |_, r| {
                    let mut service = app.clone();
                    let mut local = r.clone();
                    local.url = format!("http://127.0.0.1{}", r.url.path()).parse().unwrap();
                    corsim::harness::block_on(corsim::harness::call_service::<_, String, _>(&mut service, &local)).ok()
                });
                tally.0 += 1;
                if readable(&verdict) {
                    tally.1 += 1;
                } else {
                    failures.push(format!("{library} {}: {:?} {:?}", case.name, verdict.outcome.err().map(|f| f.kind), verdict.console));
                }
            }
            "tower-http 0.6 in-process".to_owned()
        } else {
            let file = recordings_dir().join("explained").join(format!("{library}.json"));
            let Ok(text) = std::fs::read_to_string(&file) else {
                report.push(format!("{library}: no recording in {}", file.display()));
                continue;
            };
            let recording: Value = serde_json::from_str(&text).unwrap();
            for case in &cases {
                let (init, _) = explained(case);
                let answers: Vec<&Value> =
                    recording["answers"].as_array().unwrap().iter().filter(|a| a["options"] == case.name.as_str()).collect();
                let verdict = fetch_with(case, &init, |i, _| {
                    let a = answers.iter().find(|a| a["request"] == i.to_string().as_str())?;
                    let mut response = HttpResponse::new(a["status"].as_u64().unwrap() as u16);
                    for pair in a["headers"].as_array().unwrap() {
                        response.headers.append(pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
                    }
                    Some(response)
                });
                tally.0 += 1;
                if readable(&verdict) {
                    tally.1 += 1;
                } else {
                    failures.push(format!("{library} {}: {:?} {:?}", case.name, verdict.outcome.err().map(|f| f.kind), verdict.console));
                }
            }
            let versions = recording["versions"].as_object().unwrap();
            format!("{library} {}", versions.iter().map(|(k, v)| format!("{k} {}", v.as_str().unwrap_or("?"))).collect::<Vec<_>>().join(", "))
        };
        report.push(format!("{source}: {}/{} configurations explain prints let the fetch pass", tally.1, tally.0));
        total.0 += tally.0;
        total.1 += tally.1;
    }
    for line in &report {
        println!("{line}");
    }
    for f in &failures {
        println!("FAILS {f}");
    }
    println!("explained configurations: {} passed, {} failed", total.1, total.0 - total.1);
    assert!(failures.is_empty(), "{} configurations explain prints do not let the fetch pass on the real library", failures.len());
}
