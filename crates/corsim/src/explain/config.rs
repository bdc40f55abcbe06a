//! The configuration that produces a fix's answers, for the CORS libraries
//! people run: each is the library's own options
//! ([`ServerModel::configured`]) for the CORS policy the fixed answers amount
//! to (an explicit origin allow-list, never a reflected arbitrary origin; the
//! methods and headers the preflight must allow; credentials only when the
//! request includes them, and then never `*`), written in the library's own
//! syntax ([`ServerModel::render`]) and verified by running the library's
//! model in front of the server's routes ([`verify`]).

use crate::fetch::Verdict;
use crate::preflight::HttpRequest;
use crate::profile::Profile;
use crate::request::{CredentialsMode, RequestInit};
use crate::response::HttpResponse;
use crate::server_model::{Before, Library, Needs, ServerModel};

/// The configuration for one CORS library.
///
/// ```
/// use corsim::explain::explain;
/// use corsim::{HttpResponse, Origin, Profile, RequestInit};
/// let init = RequestInit::get("https://api.example/items").method("PATCH").header("X-Trace", "1");
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(), &init, |_| HttpResponse::new(200));
/// let configs = e.fix.unwrap().configs;
/// let express = configs.iter().find(|c| c.library == "express-cors").unwrap();
/// assert!(express.snippet.contains("origin: ['https://app.example']"));
/// assert!(express.snippet.contains("methods: ['PATCH']"));
/// assert!(express.snippet.contains("allowedHeaders: ['x-trace']"));
/// assert_eq!(express.verified, Some(true));
/// assert_eq!(configs.len(), 11);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ServerConfig {
    /// The server or framework, e.g. `"nginx"`, `"Express (cors)"`.
    pub server: String,
    /// The library's name in options files and `corsim check`
    /// (`"express-cors"`, `"flask-cors"`, …).
    pub library: String,
    /// The snippet's language, for highlighting (`js`, `nginx`, `python`, …).
    pub language: String,
    /// The configuration: [`model`](Self::model)'s options in the library's syntax.
    pub snippet: String,
    /// The library and its options, as `corsim check` reads them.
    #[cfg_attr(feature = "tsify", tsify(type = "{ library: string; options: Record<string, unknown> }"))]
    pub model: ServerModel,
    /// What else to change, beyond the options (what answers before the
    /// CORS layer, another layer that adds the headers too): each verified
    /// with the options.
    pub changes: Vec<String>,
    /// `Some(true)`: corsim ran the fetch again with the library's model (and
    /// the [`changes`](Self::changes)) in front of the server, and script
    /// could read the response; `Some(false)`: it could not; `None`: not run.
    pub verified: Option<bool>,
    /// What the run showed, in words.
    pub verification: String,
    /// What answers before the CORS layer, as the failure showed: what the
    /// verification runs in front of the library until the changes remove it.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) before: Vec<Before>,
}

/// What the fixed answers amount to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Policy {
    /// The origin to allow.
    pub origin: String,
    /// `*` (no credentials, the request's origin is `null`).
    pub any_origin: bool,
    /// Methods the preflight allows (beyond the safelisted ones).
    pub methods: Vec<String>,
    /// Header names the preflight allows, lower-case.
    pub headers: Vec<String>,
    /// `Access-Control-Allow-Credentials: true`.
    pub credentials: bool,
    /// Whether a preflight is involved.
    pub preflight: bool,
    /// The request's method.
    pub method: String,
    /// The URL path.
    pub path: String,
    /// `Access-Control-Allow-Origin` came from two layers.
    pub duplicate_layers: bool,
    /// The preflight was refused with this status.
    pub preflight_status: Option<u16>,
    /// The preflight was redirected.
    pub preflight_redirect: bool,
    /// The preflight was redirected to its URL with a trailing `/`.
    pub preflight_slash_redirect: bool,
}

impl Policy {
    fn auth_refused(&self) -> bool {
        matches!(self.preflight_status, Some(401 | 403))
    }

    /// What the CORS layer must allow.
    fn needs(&self) -> Needs {
        let methods = match (self.preflight, self.methods.is_empty()) {
            (false, _) => Vec::new(),
            (true, true) => vec![self.method.clone()],
            (true, false) => self.methods.clone(),
        };
        Needs {
            origin: (!self.any_origin).then(|| self.origin.clone()),
            methods,
            headers: if self.preflight { self.headers.clone() } else { Vec::new() },
            credentials: self.credentials,
            path: self.path.clone(),
        }
    }
}

/// Every library's configuration, in [`Library::ALL`]'s order, not yet verified.
pub(crate) fn generate(p: &Policy) -> Vec<ServerConfig> {
    let needs = p.needs();
    let mut before = Vec::new();
    if p.auth_refused() {
        before.push(Before::Authentication);
    }
    if p.preflight_slash_redirect {
        before.push(Before::TrailingSlashRedirect);
    }
    Library::ALL
        .iter()
        .map(|&library| {
            let model = ServerModel::configured(library, &needs);
            let mut changes: Vec<String> = before.iter().map(|b| b.fix(library).to_owned()).collect();
            if p.preflight_redirect && !p.preflight_slash_redirect {
                changes.push("answer preflights before anything that redirects (to https:, to another path): a preflight is never redirected".to_owned());
            }
            if p.duplicate_layers {
                changes.push("remove Access-Control-Allow-Origin from the other layer that adds it (the proxy in front, or the application): exactly one layer may send it".to_owned());
            }
            ServerConfig {
                server: library.title().to_owned(),
                library: library.name().to_owned(),
                language: library.language().to_owned(),
                snippet: model.render(),
                model,
                changes,
                verified: None,
                verification: "not verified: corsim had no server to run the library's model in front of.".to_owned(),
                before: before.clone(),
            }
        })
        .collect()
}

/// Runs the page's fetch (with the fix's request change) against a server
/// made of the application's answers (the closure's second argument) behind
/// what the closure puts in front of them; gives the verdict.
pub(crate) type RunDeployment<'a> =
    &'a mut dyn FnMut(&RequestInit, &dyn Fn(&HttpRequest, HttpResponse) -> HttpResponse) -> Verdict;

/// The application behind the CORS layer: the server's answer without the
/// CORS headers (the library sends those now); a preflight it refused gets
/// the framework's own `OPTIONS` answer (200), as the refusal came from what
/// answers before the CORS layer ([`ServerConfig::changes`]).
fn application(request: &HttpRequest, mut answer: HttpResponse) -> HttpResponse {
    if request.is_preflight && !(200..300).contains(&answer.status) {
        return HttpResponse::new(200);
    }
    let names: Vec<String> = answer
        .headers
        .iter()
        .map(|h| crate::header_list::isomorphic_decode(h.name))
        .filter(|n| n.to_ascii_lowercase().starts_with("access-control-"))
        .collect();
    for name in names {
        answer.headers.remove(&name);
    }
    answer
}

/// Verify each configuration by running the fetch `init` with the library's
/// model in front of the application: as deployed (with what answers before
/// the CORS layer in front of it), and, when that fails, with the
/// [`changes`](ServerConfig::changes) made.
pub(crate) fn verify(configs: &mut [ServerConfig], profile: &Profile, init: &RequestInit, run: RunDeployment<'_>) {
    let credentialed = init.credentials == CredentialsMode::Include;
    let browser = profile.browser.name();
    for config in configs {
        let model = &config.model;
        let library = model.library();
        let source = if library.compared() {
            format!("its model of {}", library.tested())
        } else {
            format!("its model of {} (read from source, not compared with the library)", library.tested())
        };
        let deployment = |layers: &[Before], request: &HttpRequest, app: HttpResponse| -> HttpResponse {
            if let Some(answer) = layers.iter().find_map(|b| b.answer(request, credentialed)) {
                return answer;
            }
            let route = application(request, app);
            model.respond(request, &mut |_| route.clone())
        };
        let as_deployed = run(init, &|request, app| deployment(&config.before, request, app));
        if as_deployed.is_readable() {
            config.verified = Some(true);
            config.verification = format!(
                "corsim ran the fetch again with {source} in front of the server's routes: {browser} lets script read the response."
            );
            continue;
        }
        let failure = describe(profile, &as_deployed);
        if config.before.is_empty() {
            config.verified = Some(false);
            config.verification = format!("corsim ran the fetch again with {source} in front of the server's routes: still {failure}.");
            continue;
        }
        // The changes made: authentication moved behind the CORS layer, the
        // URL requested with its trailing slash.
        let mut changed = init.clone();
        if config.before.contains(&Before::TrailingSlashRedirect) {
            if let Ok(mut url) = url::Url::parse(&init.url) {
                url.set_path(&format!("{}/", url.path().trim_end_matches('/')));
                changed.url = url.to_string();
            }
        }
        let layers: Vec<Before> = config.before.iter().copied().filter(|b| *b != Before::Authentication).collect();
        let after = run(&changed, &|request, app| deployment(&layers, request, app));
        let ok = after.is_readable();
        config.verified = Some(ok);
        config.verification = if ok {
            format!(
                "as deployed, no option of {library} fixes it ({failure}); corsim ran the fetch again with {source} and the changes listed: {browser} lets script read the response."
            )
        } else {
            format!("corsim ran the fetch again with {source} and the changes listed: still {}.", describe(profile, &after))
        };
    }
}

/// A failed fetch in a few words: the browser's reason and the status.
fn describe(profile: &Profile, verdict: &Verdict) -> String {
    match &verdict.outcome {
        Ok(r) => format!("the response is {} to script", r.kind),
        Err(f) => {
            let reason = f.cors_error().map(|e| e.error.name().to_owned()).unwrap_or_else(|| super::failure_summary(profile, f).kind);
            match f.status {
                Some(status) => format!("blocked, {reason} (the server answered {status})"),
                None => format!("blocked, {reason}"),
            }
        }
    }
}
