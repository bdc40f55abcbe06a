//! `corsim explain`: one fetch, step by step, with the fix.

use corsim::server_model::Library;
use std::io::{self, Read, Write};

use clap::builder::TypedValueParser as _;

use crate::ui::{color, BadInput};
use std::process::ExitCode;

use corsim::explain::{Explanation, TextStyle};
use corsim::header_list::{is_token, isomorphic_encode};
use corsim::scenario::Scenario;
use corsim::{CrossOrigin, HeaderList, HttpRequest, HttpResponse, Initiator, Origin, PreflightCache, Profile, RequestInit, Timestamp};
use serde_json::Value;
use url::Url;

use crate::{CredentialsArg, ModeArg, ProfileArg, RedirectArg};

pub(crate) const AFTER_HELP: &str = "\
The server's answers: a preflight (OPTIONS with Access-Control-Request-Method) gets
--preflight-status and the --preflight-header lines; every other request to URL gets
--status and the --response-header lines. Where they are not given, an answer is
status 200 with no headers. Requests to other URLs (after a redirect) are answered
200 with no headers. With --scenario, the scenario's server answers instead.

Exit status: 0 when script could read the response, 1 when not (blocked, or opaque),
2 for bad input.

Examples:
  corsim explain https://api.example/items --origin https://app.example \\
      -X PUT -H 'Content-Type: application/json' \\
      --preflight-status 204 --preflight-header 'Access-Control-Allow-Origin: https://app.example'
  corsim explain https://api.example/me --origin https://app.example --credentials include \\
      --response-header 'Access-Control-Allow-Origin: *' --json
  corsim explain --scenario tests/corpus/chromium-156-public.jsonl --id chr-simple-000002
  corsim explain --message \"Access to fetch at 'https://api.example/items' from origin \\
      'https://app.example' has been blocked by CORS policy: ...\" --server express";

/// The `fetch()` options `explain` and `probe` share.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct FetchOptions {
    /// The method (default GET).
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub(crate) method: Option<String>,
    /// A request header given to fetch(), e.g. -H 'Content-Type: application/json' (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// fetch()'s credentials mode (default same-origin).
    #[arg(long, value_enum)]
    credentials: Option<CredentialsArg>,
    /// fetch()'s mode (default cors).
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// fetch()'s redirect mode (default follow).
    #[arg(long, value_enum)]
    redirect: Option<RedirectArg>,
}

impl FetchOptions {
    /// Whether `--credentials include` was given.
    pub(crate) fn credentials_included(&self) -> bool {
        matches!(self.credentials, Some(CredentialsArg::Include))
    }

    /// `fetch(url, init)` as these options describe it; a malformed `-H` is named.
    pub(crate) fn init(&self, url: &str) -> Result<RequestInit, BadInput> {
        let mut init = RequestInit::get(url).method(self.method.clone().unwrap_or_else(|| "GET".to_owned()));
        for h in &self.headers {
            let (name, value) = header_arg("-H", h)?;
            init = init.header(name, value);
        }
        if let Some(c) = self.credentials {
            init = init.credentials(c.into());
        }
        if let Some(m) = self.mode {
            init = init.mode(m.into());
        }
        if let Some(r) = self.redirect {
            init = init.redirect(r.into());
        }
        Ok(init)
    }
}

/// Explain one fetch.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct Args {
    /// The URL to fetch.
    #[arg(required_unless_present_any = ["scenario", "message"])]
    url: Option<String>,
    /// The page's origin, e.g. https://app.example (or `null` for a sandboxed page).
    #[arg(long, value_name = "ORIGIN", required_unless_present_any = ["scenario", "message"])]
    origin: Option<String>,
    /// The page beyond its origin, as the scenario format's `page` object, e.g.
    /// --page '{"address_space": "public", "local_network_access": "denied", "coep": "require-corp"}'.
    #[arg(long, value_name = "JSON")]
    page: Option<String>,
    #[command(flatten)]
    fetch: FetchOptions,
    /// What makes the request (default fetch): xhr (XMLHttpRequest; --credentials include is
    /// withCredentials), img, script, module-script, stylesheet, font, or beacon (sendBeacon).
    #[arg(long, value_name = "INITIATOR", value_parser = initiator_parser())]
    initiator: Option<Initiator>,
    /// An element's crossorigin attribute (img, script, module-script, stylesheet).
    #[arg(long, value_name = "VALUE", value_parser = clap::builder::PossibleValuesParser::new(["anonymous", "use-credentials"])
        .map(|v| CrossOrigin::from_name(&v).expect("a listed value")))]
    crossorigin: Option<CrossOrigin>,
    /// XHR: a listener on xhr.upload before send() (it forces a preflight).
    #[arg(long)]
    upload_listener: bool,
    /// The request body, as a string (fetch, xhr, beacon); without -H 'Content-Type: …' it is
    /// sent as text/plain;charset=UTF-8.
    #[arg(long, value_name = "TEXT")]
    body: Option<String>,
    /// fetch(url, {keepalive: true}).
    #[arg(long)]
    keepalive: bool,
    /// fetch(url, {targetAddressSpace}): the address space the page declares the target is in
    /// (Chromium: local or loopback lets an http: URL past mixed content; a target elsewhere fails).
    #[arg(long, value_name = "SPACE", value_parser = clap::builder::PossibleValuesParser::new(["loopback", "local", "public"])
        .map(|v| corsim::local_network_access::AddressSpace::from_name(&v).expect("a listed space")))]
    target_address_space: Option<corsim::local_network_access::AddressSpace>,
    /// The status of the answer to a preflight (default 200).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(100..=999))]
    preflight_status: Option<u16>,
    /// A header of the answer to a preflight (repeatable; order and duplicates kept).
    #[arg(long = "preflight-header", value_name = "NAME: VALUE")]
    preflight_headers: Vec<String>,
    /// The status of the answer to the request itself (default 200).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(100..=999))]
    status: Option<u16>,
    /// A header of the answer to the request itself (repeatable; order and duplicates kept).
    #[arg(long = "response-header", value_name = "NAME: VALUE")]
    response_headers: Vec<String>,
    /// Explain a step of a recorded scenario (FORMAT.md JSON Lines; `-` for standard input) instead.
    #[arg(long, value_name = "FILE", conflicts_with_all = [
        "url", "origin", "page", "method", "headers", "credentials", "mode", "redirect",
        "initiator", "crossorigin", "upload_listener", "body", "keepalive", "target_address_space",
        "preflight_status", "preflight_headers", "status", "response_headers",
    ])]
    scenario: Option<String>,
    /// Start from a console error pasted from the browser (`-` for standard input): what it
    /// says, the fix, what is still missing, and the scenario it implies. --origin and
    /// --credentials add what the message leaves out.
    #[arg(long, value_name = "TEXT", conflicts_with_all = [
        "url", "method", "headers", "mode", "redirect", "scenario",
        "preflight_status", "preflight_headers", "status", "response_headers", "all_browsers",
    ])]
    message: Option<String>,
    /// With --scenario: the scenario's id (default: the file's first scenario).
    #[arg(long, value_name = "ID", requires = "scenario")]
    id: Option<String>,
    /// With --scenario: which step, counting from 0 (default: the last); earlier steps run first.
    #[arg(long, value_name = "N", requires = "scenario")]
    step: Option<usize>,
    /// The browser to imitate (default chromium, or the scenario's browser).
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// Show only this server's configuration in the fix (repeatable; default: all).
    #[arg(long = "server", value_enum, value_name = "SERVER")]
    servers: Vec<ServerArg>,
    /// Print the explanation as one JSON object.
    #[arg(long)]
    json: bool,
    /// Run the fetch in every browser (Chromium, Firefox, WebKit), say where their
    /// verdicts differ and why, then explain it for --profile (default chromium).
    #[arg(long)]
    all_browsers: bool,
}

/// The servers the fix has configuration for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ServerArg {
    Express,
    Nginx,
    Apache,
    Fastapi,
    Django,
    Flask,
    Go,
    Actix,
    Axum,
    Nextjs,
    Spring,
}

impl ServerArg {
    /// The library whose configuration it shows.
    fn library(self) -> Library {
        match self {
            ServerArg::Express => Library::ExpressCors,
            ServerArg::Nginx => Library::Nginx,
            ServerArg::Apache => Library::Apache,
            ServerArg::Fastapi => Library::Starlette,
            ServerArg::Django => Library::DjangoCorsHeaders,
            ServerArg::Flask => Library::FlaskCors,
            ServerArg::Go => Library::GoRsCors,
            ServerArg::Actix => Library::ActixCors,
            ServerArg::Axum => Library::TowerHttp,
            ServerArg::Nextjs => Library::NextJs,
            ServerArg::Spring => Library::Spring,
        }
    }
}


pub(crate) fn explain(args: Args) -> ExitCode {
    if let Some(message) = &args.message {
        return crate::message::explain_message(crate::message::Options {
            message: message.clone(),
            origin: args.origin.clone(),
            credentials_included: args.fetch.credentials_included(),
            profile: args.profile.map(ProfileArg::profile),
            servers: args.servers.iter().map(|s| s.library().name()).collect(),
            json: args.json,
        });
    }
    if args.all_browsers {
        return all_browsers(args);
    }
    let mut explanation = match build(&args) {
        Ok(e) => e,
        Err(BadInput(message)) => {
            eprintln!("corsim explain: {message}");
            return ExitCode::from(2);
        }
    };
    if let (Some(fix), false) = (explanation.fix.as_mut(), args.servers.is_empty()) {
        fix.configs.retain(|c| args.servers.iter().any(|s| c.library == s.library().name()));
    }
    let out = if args.json {
        match serde_json::to_string(&explanation) {
            Ok(j) => j + "\n",
            Err(e) => {
                eprintln!("corsim explain: cannot serialize the explanation: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        explanation.to_text(if color() { TextStyle::Ansi } else { TextStyle::Plain })
    };
    let mut stdout = io::stdout().lock();
    // A closed standard output (piped into `head`) is no error.
    let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
    if explanation.result.readable {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}


fn build(args: &Args) -> Result<Explanation, BadInput> {
    if let Some(file) = &args.scenario {
        return from_scenario(args, file);
    }
    let (Some(url), Some(origin)) = (&args.url, &args.origin) else {
        return Err(BadInput("give a URL and --origin, or --scenario FILE".to_owned()));
    };
    if let Some(e) = corsim::origin::missing_scheme_error("url", url) {
        return Err(BadInput(format!("URL '{url}': {}", e.message)));
    }
    let parsed = Url::parse(url).map_err(|e| BadInput(format!("URL '{url}': not an absolute URL ({e})")))?;
    let page = Origin::parse(origin).map_err(|e| BadInput(format!("--origin '{origin}': {}", e.message)))?;
    let method = args.fetch.method.as_deref().unwrap_or("GET");
    if !is_token(method.as_bytes()) {
        return Err(BadInput(format!("-X '{method}': not a valid HTTP method (a token: letters, digits and !#$%&'*+-.^_`|~)")));
    }
    let init = initiated(args, args.fetch.init(url)?)?;
    let preflight = answer(args.preflight_status, &args.preflight_headers, "--preflight-header")?;
    let actual = answer(args.status, &args.response_headers, "--response-header")?;
    let mut target = parsed;
    target.set_fragment(None);
    let server = |request: &HttpRequest| {
        let mut url = request.url.clone();
        url.set_fragment(None);
        if url != target {
            HttpResponse::new(200)
        } else if request.is_preflight {
            preflight.clone()
        } else {
            actual.clone()
        }
    };
    let profile = args.profile.map(ProfileArg::profile).unwrap_or(&Profile::CHROMIUM);
    let context = match &args.page {
        None => corsim::page::PageContext::default(),
        Some(json) => {
            let value: Value = serde_json::from_str(json).map_err(|e| BadInput(format!("--page: not JSON ({e})")))?;
            corsim::page::PageContext::from_json(&value).map_err(|e| BadInput(format!("--page: {}", e.within("page"))))?
        }
    };
    Ok(corsim::explain::explain_in(profile, page, &context, &init, &mut PreflightCache::new(), Timestamp::ZERO, server))
}

/// The `--initiator` values: the format's initiator names.
fn initiator_parser() -> impl clap::builder::TypedValueParser<Value = Initiator> {
    clap::builder::PossibleValuesParser::new(Initiator::ALL.map(Initiator::name))
        .map(|name| Initiator::from_name(&name).expect("a listed initiator"))
}

/// The request as `--initiator` and its options make it; an option the
/// initiator does not take is named.
fn initiated(args: &Args, init: RequestInit) -> Result<RequestInit, BadInput> {
    let initiator = args.initiator.unwrap_or_default();
    if args.crossorigin.is_some() && !initiator.takes_crossorigin() {
        return Err(BadInput(format!("--crossorigin: {} has no crossorigin attribute", initiator.in_words())));
    }
    if args.upload_listener && initiator != Initiator::Xhr {
        return Err(BadInput("--upload-listener: only an XMLHttpRequest has xhr.upload".to_owned()));
    }
    if args.keepalive && initiator != Initiator::Fetch {
        return Err(BadInput("--keepalive: an option of fetch() (a beacon is always keepalive)".to_owned()));
    }
    if args.target_address_space.is_some() && initiator != Initiator::Fetch {
        return Err(BadInput("--target-address-space: an option of fetch() only".to_owned()));
    }
    let mut init = init.initiated_by(initiator).crossorigin(args.crossorigin);
    if initiator == Initiator::Beacon {
        init.method = "POST".to_owned();
    }
    init.upload_listener = args.upload_listener;
    init.keepalive = args.keepalive;
    init.target_address_space = args.target_address_space;
    if let Some(body) = &args.body {
        let bodyless = init.method.eq_ignore_ascii_case("GET") || init.method.eq_ignore_ascii_case("HEAD");
        if bodyless && initiator == Initiator::Fetch {
            return Err(BadInput(format!("--body: a {} request cannot have a body (fetch() throws a TypeError)", init.method)));
        }
        if !bodyless {
            init.body = Some(body.clone());
            if !init.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
                init.headers.push(("Content-Type".to_owned(), "text/plain;charset=UTF-8".to_owned()));
            }
        }
    }
    Ok(init)
}

/// A scripted answer from a status and `Name: value` arguments.
fn answer(status: Option<u16>, headers: &[String], flag: &str) -> Result<HttpResponse, BadInput> {
    let mut list = HeaderList::new();
    for h in headers {
        let (name, value) = header_arg(flag, h)?;
        list.append(name.into_bytes(), isomorphic_encode(&value).unwrap_or_default());
    }
    Ok(HttpResponse { status: status.unwrap_or(200), headers: list, body: Vec::new() })
}

/// Read `Name: value`: the name a token, the value trimmed of spaces and
/// tabs, with no CR, LF or NUL, every character at most U+00FF (one byte).
pub(crate) fn header_arg(flag: &str, arg: &str) -> Result<(String, String), BadInput> {
    let Some((name, value)) = arg.split_once(':') else {
        return Err(BadInput(format!("{flag} '{arg}': expected 'Name: value' (no ':' found)")));
    };
    if name.is_empty() {
        return Err(BadInput(format!("{flag} '{arg}': the header name is empty")));
    }
    if !is_token(name.as_bytes()) {
        return Err(BadInput(format!(
            "{flag} '{arg}': '{name}' is not a valid header name (a token: no spaces, no ':' and ASCII only)"
        )));
    }
    let value = value.trim_matches([' ', '\t']);
    if value.contains(['\r', '\n', '\0']) {
        return Err(BadInput(format!("{flag} '{}': a header value cannot hold CR, LF or NUL", arg.escape_debug())));
    }
    if isomorphic_encode(value).is_none() {
        return Err(BadInput(format!(
            "{flag} '{arg}': the value has a character above U+00FF; header values are bytes (write one character per byte)"
        )));
    }
    Ok((name.to_owned(), value.to_owned()))
}

fn from_scenario(args: &Args, file: &str) -> Result<Explanation, BadInput> {
    let mut text = String::new();
    let read = if file == "-" {
        io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_string(&mut text))
    };
    read.map_err(|e| BadInput(format!("--scenario {file}: cannot read it: {e}")))?;
    let mut found = None;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(want) = &args.id {
            // Skip other scenarios without reading them in full.
            let value: Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(_) => continue,
            };
            if value.get("id").and_then(Value::as_str) != Some(want) {
                continue;
            }
        }
        let scenario = Scenario::parse(line)
            .map_err(|(_, e)| BadInput(format!("--scenario {file}, line {}: {e}", n + 1)))?;
        found = Some(scenario);
        break;
    }
    let scenario = found.ok_or_else(|| match &args.id {
        Some(id) => BadInput(format!("--id {id}: no scenario with that id in {file}")),
        None => BadInput(format!("--scenario {file}: no scenario in it")),
    })?;
    if scenario.steps.is_empty() {
        return Err(BadInput(format!("--scenario {file}: the scenario has no steps")));
    }
    let last = scenario.steps.len() - 1;
    let step = args.step.unwrap_or(last);
    if step > last {
        return Err(BadInput(format!("--step {step}: the scenario has steps 0 to {last}")));
    }
    let profile = scenario.profile(args.profile.map(ProfileArg::profile));
    // Earlier steps run first: they fill the page's preflight cache.
    let mut cache = PreflightCache::new();
    for s in &scenario.steps[..step] {
        let now = Timestamp::from_millis(s.at_ms);
        // Only their effect on the cache matters here.
        let _ = corsim::fetch::run_in(profile, scenario.origin.clone(), &scenario.page, &s.request, &mut cache, now, |r| scenario.answer(r));
    }
    let s = &scenario.steps[step];
    let now = Timestamp::from_millis(s.at_ms);
    Ok(corsim::explain::explain_in(profile, scenario.origin.clone(), &scenario.page, &s.request, &mut cache, now, |r| scenario.answer(r)))
}

/// `--all-browsers`: the same fetch in Chromium, Firefox and WebKit, side by
/// side, with the reason where they differ.
fn all_browsers(args: Args) -> ExitCode {
    let browsers = [ProfileArg::Chromium, ProfileArg::Firefox, ProfileArg::Webkit];
    let mut explanations = Vec::new();
    for b in browsers {
        let mut one = args.clone();
        one.profile = Some(b);
        one.all_browsers = false;
        match build(&one) {
            Ok(e) => explanations.push(e),
            Err(BadInput(message)) => {
                eprintln!("corsim explain: {message}");
                return ExitCode::from(2);
            }
        }
    }
    let name = |e: &Explanation| {
        match e.browser {
            corsim::Browser::Chromium => "Chromium",
            corsim::Browser::Firefox => "Firefox",
            corsim::Browser::WebKit => "WebKit",
            corsim::Browser::Spec => "The standard",
        }
        .to_owned()
    };
    let verdict = |e: &Explanation| match (&e.result.response, &e.result.failure) {
        // Not fetch(): what the page observes, in the engine's words.
        _ if e.page_event.is_some() => e.result.summary.clone(),
        (Some(r), _) if e.result.readable => format!("script reads it: {} {} [{}]", r.kind, r.status, r.headers.join(", ")),
        (Some(r), _) => format!("no: {} response, status {}", r.kind, r.status),
        (None, _) => format!("blocked: {}", e.console.first().map(String::as_str).unwrap_or("network error")),
    };
    let allow: Vec<String> = explanations.iter().filter(|e| e.result.readable).map(name).collect();
    let block: Vec<&Explanation> = explanations.iter().filter(|e| !e.result.readable).collect();
    let join = |names: &[String]| match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let summary = if block.is_empty() {
        "Every browser lets script read the response.".to_owned()
    } else if allow.is_empty() {
        let reason = |e: &Explanation| e.result.failure.as_ref().map(|f| (f.kind.clone(), f.cors_error));
        let same = explanations.windows(2).all(|w| reason(&w[0]) == reason(&w[1]));
        if same {
            "Every browser blocks it, for the same reason.".to_owned()
        } else {
            "Every browser blocks it; their reasons are below.".to_owned()
        }
    } else {
        let blockers: Vec<String> = block.iter().map(|e| name(e)).collect();
        let verb = if allow.len() == 1 { "allows" } else { "allow" };
        let verb2 = if blockers.len() == 1 { "blocks" } else { "block" };
        let why: Vec<String> = block
            .iter()
            .map(|e| format!("{}: {}", name(e), e.console.first().cloned().unwrap_or_else(|| e.result.summary.clone())))
            .collect();
        format!("{} {verb} this; {} {verb2} it. {}", join(&allow), join(&blockers), why.join(" "))
    };
    let main = args.profile.unwrap_or(ProfileArg::Chromium);
    let index = browsers.iter().position(|b| std::mem::discriminant(b) == std::mem::discriminant(&main)).unwrap_or(0);
    let out = if args.json {
        let value = serde_json::json!({
            "summary": summary,
            "browsers": explanations.iter().map(|e| (e.browser.name().to_owned(), serde_json::to_value(e).unwrap_or_default())).collect::<serde_json::Map<_, _>>(),
        });
        serde_json::to_string(&value).map(|j| j + "\n").unwrap_or_default()
    } else {
        let mut text = String::from("Across browsers\n");
        for e in &explanations {
            text.push_str(&format!("  {:<9} {}\n", e.browser.name(), verdict(e)));
        }
        text.push_str(&format!("\n{summary}\n\n"));
        text.push_str(&explanations[index].to_text(if color() { TextStyle::Ansi } else { TextStyle::Plain }));
        text
    };
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
    if explanations[index].result.readable {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
