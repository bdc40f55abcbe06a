//! `corsim check`: a CORS library's configuration against the front end's
//! needs, before it ships. Each request the front end makes is run through
//! the library's model and the engine; a blocked one gets the smallest
//! change of the library's own options that makes it pass (verified by
//! running it again), or, when no option can, the change that can. The
//! configuration is then audited as a live server would be: origins it lets
//! read that it should not, `*` with credentials, a missing `Vary`.

use std::convert::Infallible;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use corsim::audit::Audit;
use corsim::fetch::run;
use corsim::server_model::{Before, Change, ServerModel};
use corsim::{CredentialsMode, HttpRequest, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp, Verdict};
use serde::Deserialize;

use crate::ProfileArg;

pub const AFTER_HELP: &str = "\
The configuration file is JSON, TOML or YAML (by its extension: .json, .toml, .yaml/.yml): the library and its
options by the library's own names, and optionally what answers before the CORS
layer (\"before_cors\": [\"authentication\", \"trailing-slash-redirect\"]), e.g.
  {\"library\": \"express-cors\", \"options\": {\"origin\": [\"https://app.example\"], \"credentials\": true}}
Libraries: express-cors, starlette (also FastAPI), flask-cors, django-cors-headers
(options are the CORS_* settings), tower-http (builder method names), go-rs-cors
(cors.Options field names), nginx ({\"config\": \"map ... server { ... }\"}),
apache ({\"config\": \"SetEnvIf ...\\nHeader always set ...\"}), spring (CorsRegistration
method names; read from Spring's source, not compared with it), nextjs ({\"headers\":
[what next.config.js headers() returns]}).

The front end's needs come from flags (every --method is tried with every --header
and from every --origin) or from --needs FILE (JSON, TOML or YAML):
  {\"origins\": [\"https://app.example\"], \"url\": \"https://api.example/items\",
   \"requests\": [{\"method\": \"PUT\", \"headers\": {\"Content-Type\": \"application/json\"},
                 \"credentials\": \"include\"}]}

Exit status: 0 when every request passes and nothing is found, 1 when a request
would be blocked or the configuration lets other origins read, 2 for bad input.

Example:
  corsim check --config cors.json --origin https://app.example --method PUT \\
      --header 'Content-Type: application/json' --credentials include";

#[derive(Parser, Debug)]
pub struct Args {
    /// The library and its options: a JSON, TOML or YAML file.
    #[arg(long, value_name = "FILE")]
    config: String,
    /// An origin the front end is served from (repeatable).
    #[arg(long = "origin", value_name = "ORIGIN")]
    origins: Vec<String>,
    /// A method the front end uses (repeatable; default GET).
    #[arg(long = "method", value_name = "METHOD")]
    methods: Vec<String>,
    /// A header the front end sets, `Name: value` (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The requests' credentials mode.
    #[arg(long, value_enum, default_value = "same-origin")]
    credentials: crate::CredentialsArg,
    /// The API's URL.
    #[arg(long, default_value = "https://api.example/items")]
    url: String,
    /// The needs as a JSON, TOML or YAML file instead of flags (origins, url, requests).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["origins", "methods", "headers"])]
    needs: Option<String>,
    /// The browser to imitate.
    #[arg(long, value_enum, default_value = "chromium")]
    profile: ProfileArg,
}

/// The front end's needs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Needs {
    origins: Vec<String>,
    #[serde(default = "default_url")]
    url: String,
    requests: Vec<Need>,
}

fn default_url() -> String {
    "https://api.example/items".to_owned()
}

/// One request the front end makes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Need {
    #[serde(default = "default_method")]
    method: String,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    credentials: Option<String>,
}

fn default_method() -> String {
    "GET".to_owned()
}

fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("corsim check: {message}");
    ExitCode::from(2)
}

/// A JSON, TOML or YAML file (by its extension; JSON otherwise) as a JSON value.
fn read_document(path: &str) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let extension = Path::new(path).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("toml") => toml::from_str(&text).map_err(|e| format!("{path}: {e}")),
        Some("yaml" | "yml") => serde_norway::from_str(&text).map_err(|e| format!("{path}: {e}")),
        _ => serde_json::from_str(&text).map_err(|e| format!("{path}: {e}")),
    }
}

/// The configuration file: the library and its options, and what answers
/// before it.
fn read_config(path: &str) -> Result<(ServerModel, Vec<Before>), String> {
    let mut value = read_document(path)?;
    let before = match value.as_object_mut().and_then(|o| o.remove("before_cors")) {
        Some(b) => serde_json::from_value(b).map_err(|e| format!("{path}: before_cors: {e}"))?,
        None => Vec::new(),
    };
    let model: ServerModel = serde_json::from_value(value).map_err(|e| format!("{path}: {e}"))?;
    model.validate().map_err(|e| format!("{path}: {e}"))?;
    Ok((model, before))
}

fn read_needs(args: &Args) -> Result<Needs, String> {
    if let Some(path) = &args.needs {
        return serde_json::from_value(read_document(path)?).map_err(|e| format!("{path}: {e}"));
    }
    let mut headers = std::collections::BTreeMap::new();
    for h in &args.headers {
        let (name, value) = h.split_once(':').ok_or_else(|| format!("--header {h:?}: write it as `Name: value`"))?;
        headers.insert(name.trim().to_owned(), value.trim().to_owned());
    }
    let credentials = match args.credentials {
        crate::CredentialsArg::Omit => "omit",
        crate::CredentialsArg::SameOrigin => "same-origin",
        crate::CredentialsArg::Include => "include",
    };
    let methods = if args.methods.is_empty() { vec!["GET".to_owned()] } else { args.methods.clone() };
    Ok(Needs {
        origins: args.origins.clone(),
        url: args.url.clone(),
        requests: methods
            .into_iter()
            .map(|method| Need { method, headers: headers.clone(), credentials: Some(credentials.to_owned()) })
            .collect(),
    })
}

fn credentials_mode(text: Option<&str>) -> Result<CredentialsMode, String> {
    match text.unwrap_or("same-origin") {
        "omit" => Ok(CredentialsMode::Omit),
        "same-origin" => Ok(CredentialsMode::SameOrigin),
        "include" => Ok(CredentialsMode::Include),
        other => Err(format!("credentials {other:?}: expected omit, same-origin or include")),
    }
}

fn request_init(url: &str, need: &Need, method: &str) -> Result<RequestInit, String> {
    let mut init = RequestInit::get(url).method(method).credentials(credentials_mode(need.credentials.as_deref())?);
    for (n, v) in &need.headers {
        init = init.header(n, v);
    }
    Ok(init)
}

/// The deployment checked: the layers before the CORS layer, then the library.
struct Deployment<'a> {
    model: &'a ServerModel,
    before: &'a [Before],
}

impl Deployment<'_> {
    fn answer(&self, request: &HttpRequest, credentialed: bool) -> HttpResponse {
        self.before.iter().find_map(|b| b.answer(request, credentialed)).unwrap_or_else(|| self.model.answer(request))
    }
}

fn simulate_with(profile: &Profile, deployment: &Deployment<'_>, origin: &Origin, init: &RequestInit) -> Verdict {
    let credentialed = init.credentials == CredentialsMode::Include;
    run(profile, origin.clone(), init, &mut PreflightCache::new(), Timestamp::ZERO, |r| deployment.answer(r, credentialed))
}

/// The smallest set of changes (fewest first) after which the request
/// passes, with the configuration it gives.
fn fix_search(
    profile: &Profile,
    before: &[Before],
    model: &ServerModel,
    origin: &Origin,
    init: &RequestInit,
    changes: &[Change],
) -> Option<ServerModel> {
    let n = changes.len().min(8);
    let mut subsets: Vec<u32> = (1u32..(1 << n)).collect();
    subsets.sort_by_key(|s| s.count_ones());
    for subset in subsets {
        let mut candidate = model.clone();
        for (i, change) in changes.iter().enumerate().take(n) {
            if subset & (1 << i) != 0 {
                if let Some(next) = candidate.allowing(change) {
                    candidate = next;
                }
            }
        }
        if candidate != *model
            && candidate.validate().is_ok()
            && simulate_with(profile, &Deployment { model: &candidate, before }, origin, init).is_ok()
        {
            return Some(candidate);
        }
    }
    None
}

/// The options that differ, as `"name": new value` in the file's terms.
fn option_diff(before: &ServerModel, after: &ServerModel) -> Vec<String> {
    let (Ok(b), Ok(a)) = (serde_json::to_value(before), serde_json::to_value(after)) else { return Vec::new() };
    let empty = serde_json::Map::new();
    let bo = b["options"].as_object().unwrap_or(&empty);
    let ao = a["options"].as_object().unwrap_or(&empty);
    ao.iter().filter(|(k, v)| bo.get(*k) != Some(v)).map(|(k, v)| format!("{k:?}: {v}")).collect()
}

fn changes_for(origin: &str, method: &str, need: &Need) -> Vec<Change> {
    let mut changes = vec![Change::Origin(origin.to_owned()), Change::Method(method.to_owned())];
    for name in need.headers.keys() {
        changes.push(Change::Header(name.to_ascii_lowercase()));
    }
    if need.credentials.as_deref() == Some("include") {
        changes.push(Change::Credentials);
    }
    changes
}

/// The methods the Fetch standard normalises to upper case.
const NORMALISED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

pub fn check(args: Args) -> ExitCode {
    let (model, before) = match read_config(&args.config) {
        Ok(m) => m,
        Err(e) => return bad_input(e),
    };
    let deployment = Deployment { model: &model, before: &before };
    let needs = match read_needs(&args) {
        Ok(n) => n,
        Err(e) => return bad_input(e),
    };
    if needs.origins.is_empty() {
        return bad_input("name the front end's origins: --origin https://app.example (or \"origins\" in --needs)");
    }
    let mut origins = Vec::new();
    for o in &needs.origins {
        match Origin::parse(o) {
            Ok(origin) => origins.push((o.clone(), origin)),
            Err(e) => return bad_input(format!("--origin {o:?}: {e}")),
        }
    }
    let profile = args.profile.profile();
    let library = model.library();
    if library.compared() {
        println!("corsim check: {library} (the model was compared with {}), {}", library.tested(), profile.browser.name());
    } else {
        println!(
            "corsim check: {library} (the model was read from {}; it was not compared with the library), {}",
            library.tested(),
            profile.browser.name()
        );
    }
    let mut problems = 0usize;
    let mut lines = Vec::new();
    for (text, origin) in &origins {
        for need in &needs.requests {
            let init = match request_init(&needs.url, need, &need.method) {
                Ok(i) => i,
                Err(e) => return bad_input(e),
            };
            let what = describe(text, &needs.url, need);
            let verdict = simulate_with(profile, &deployment, origin, &init);
            if verdict.is_ok() {
                lines.push(format!("ok       {what}"));
                continue;
            }
            problems += 1;
            lines.push(format!("blocked  {what}"));
            for c in &verdict.console {
                lines.push(format!("         console: {c}"));
            }
            let changes = changes_for(text, &need.method, need);
            let lower_case = need.method.to_ascii_uppercase() != need.method
                && !NORMALISED.contains(&need.method.to_ascii_uppercase().as_str());
            if let Some(fixed) = fix_search(profile, &before, &model, origin, &init, &changes) {
                lines.push(format!("         fix (verified): set {}", option_diff(&model, &fixed).join(", ")));
                if lower_case {
                    lines.push(format!(
                        "         (the route must then also take {:?} as written; the usual fix is in the page: method: '{}')",
                        need.method,
                        need.method.to_ascii_uppercase()
                    ));
                }
                continue;
            }
            if matches!(model, ServerModel::Nginx(_) | ServerModel::Apache(_) | ServerModel::NextJs(_)) {
                lines.push(format!("         corsim proposes no edit of a configuration written as {library}'s; `corsim explain` prints one that works"));
            } else {
                explain_unfixable(profile, &deployment, origin, &init, &changes, &mut lines);
            }
            let upper = need.method.to_ascii_uppercase();
            if lower_case {
                let upper_init = match request_init(&needs.url, need, &upper) {
                    Ok(i) => i,
                    Err(e) => return bad_input(e),
                };
                lines.push(format!(
                    "         the browser sends {:?} as written (it upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT)",
                    need.method
                ));
                if simulate_with(profile, &deployment, origin, &upper_init).is_ok() {
                    lines.push(format!("         fix (verified), in the page: method: '{upper}'"));
                } else if let Some(fixed) = fix_search(profile, &before, &model, origin, &upper_init, &changes_for(text, &upper, need)) {
                    lines.push(format!(
                        "         fix (verified), in the page: method: '{upper}', and set {}",
                        option_diff(&model, &fixed).join(", ")
                    ));
                }
            }
        }
    }
    for l in &lines {
        println!("{l}");
    }
    // The origins the library lets read: its own policy, without the layers before it.
    let report = audit(profile, &Deployment { model: &model, before: &[] }, &needs.url, &origins);
    match report {
        Ok(report) => {
            problems += report.findings.len();
            if report.findings.is_empty() {
                println!("audit: no misconfiguration found ({} requests)", report.requests_sent);
            } else {
                print!("{report}");
                if report.findings.iter().any(|f| f.class.is_origin_acceptance()) {
                    println!("in {library}: {}", library.origin_advice());
                }
            }
        }
        Err(e) => return bad_input(e),
    }
    println!("{problems} problem(s)");
    if problems == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// Every change at once: why even that fails is what no option fixes.
fn explain_unfixable(
    profile: &Profile,
    deployment: &Deployment<'_>,
    origin: &Origin,
    init: &RequestInit,
    changes: &[Change],
    lines: &mut Vec<String>,
) {
    let library = deployment.model.library();
    let mut widest = deployment.model.clone();
    for change in changes {
        if let Some(next) = widest.allowing(change) {
            widest = next;
        }
    }
    let still = simulate_with(profile, &Deployment { model: &widest, before: deployment.before }, origin, init);
    lines.push(format!("         no change of {library}'s options makes this request pass; with every one, still:"));
    if let (Err(failure), true) = (&still.outcome, still.console.is_empty()) {
        lines.push(format!("         {:?}", failure.kind));
    }
    for c in still.console.iter().take(1) {
        lines.push(format!("         console: {c}"));
    }
    if let Some(status) = still.outcome.as_ref().err().and_then(|f| f.status) {
        lines.push(format!("         (the server answered {status})"));
    }
    // What answers before the library: each fix verified by running it, with
    // the options as they are, or else with every option change as well.
    for b in deployment.before {
        let passes = |model: &ServerModel| match b {
            Before::Authentication => {
                let others: Vec<Before> = deployment.before.iter().copied().filter(|x| x != b).collect();
                simulate_with(profile, &Deployment { model, before: &others }, origin, init).is_ok()
            }
            Before::TrailingSlashRedirect => {
                let mut slashed = init.clone();
                if let Ok(mut url) = url::Url::parse(&init.url) {
                    url.set_path(&format!("{}/", url.path().trim_end_matches('/')));
                    slashed.url = url.to_string();
                }
                simulate_with(profile, &Deployment { model, before: deployment.before }, origin, &slashed).is_ok()
            }
        };
        if passes(deployment.model) {
            lines.push(format!("         fix (verified): {}", b.fix(library)));
        } else if passes(&widest) {
            lines.push(format!("         fix (verified): {}, and set {}", b.fix(library), option_diff(deployment.model, &widest).join(", ")));
        }
    }
}

fn audit(profile: &Profile, deployment: &Deployment<'_>, url: &str, origins: &[(String, Origin)]) -> Result<corsim::audit::Report, String> {
    let mut audit = Audit::new(url).map_err(|e| e.to_string())?.profile(profile);
    for (text, _) in origins {
        audit = audit.trust(text).map_err(|e| e.to_string())?;
    }
    Ok(audit.run(|r| Ok::<_, Infallible>(deployment.answer(r, false))))
}

fn describe(origin: &str, url: &str, need: &Need) -> String {
    let mut s = format!("{} {url} from {origin}", need.method);
    if !need.headers.is_empty() {
        let hs: Vec<String> = need.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        s.push_str(&format!(" with {}", hs.join(", ")));
    }
    if let Some(c) = &need.credentials {
        s.push_str(&format!(", credentials {c}"));
    }
    s
}
