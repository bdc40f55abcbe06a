//! The JavaScript shape of `corsim::explain::Explanation`: the very JSON that
//! the core serializes (snake_case field names, as `corsim explain --json`
//! prints it), mirrored field by field so that tsify can generate its
//! TypeScript. Built by exhaustive destructuring (a core change breaks the
//! build), and checked against the core's own serialization by a native test.

use corsim::explain as core;
use serde::{Deserialize, Serialize};
use tsify::Tsify;

use crate::types::{CredentialsMode, DroppedBecause, FilteredResponse, Mode, ProfileName, RedirectMode};

/// One fetch explained: how it was classified and why, every exchange with
/// its checks, what script can read, the console messages and the fix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct Explanation {
    /// The browser whose behaviour this is.
    pub browser: ProfileName,
    /// The page's origin, serialized.
    pub page_origin: String,
    /// The `fetch()` call.
    pub request: RequestSummary,
    /// Simple, preflighted, same-origin, no-cors, or not sent, and why.
    pub classification: Classification,
    /// What happened, in order.
    pub timeline: Vec<Step>,
    /// What script gets.
    pub result: ScriptView,
    /// The console messages, word for word.
    pub console: Vec<String>,
    /// The smallest server (or request) change that makes the fetch pass,
    /// verified by running the engine again; `null` when nothing failed.
    pub fix: Option<Fix>,
}

/// The `fetch(url, init)` call being explained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct RequestSummary {
    /// The URL.
    pub url: String,
    /// The method as given.
    pub method: String,
    /// The headers as given.
    pub headers: Vec<(String, String)>,
    /// The mode.
    pub mode: Mode,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// The redirect mode.
    pub redirect: RedirectMode,
}

/// How main fetch treats the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "kebab-case")]
pub enum RequestKind {
    /// Same origin: no CORS.
    SameOrigin,
    /// `no-cors`: an opaque response.
    NoCors,
    /// CORS without a preflight.
    Simple,
    /// CORS with a preflight.
    Preflight,
    /// `fetch()` rejected before sending anything.
    NotSent,
}

/// The classification and its reasons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct Classification {
    /// The kind.
    pub kind: RequestKind,
    /// The method, when it alone forces a preflight.
    pub method: Option<String>,
    /// The headers that force a preflight, and why each does.
    pub headers: Vec<UnsafeHeader>,
    /// One sentence.
    pub summary: String,
}

/// A header that is not CORS-safelisted, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct UnsafeHeader {
    /// The name, lower-case.
    pub name: String,
    /// The value.
    pub value: String,
    /// Why it is not safelisted.
    pub why: String,
}

/// One step of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step {
    /// `fetch()` dropped a header.
    HeaderDropped {
        /// The name as given.
        name: String,
        /// Why.
        because: DroppedBecause,
    },
    /// The request for a URL was classified.
    Routed {
        /// The URL.
        url: String,
        /// Its kind.
        kind: RequestKind,
        /// One sentence.
        summary: String,
    },
    /// The preflight cache was consulted.
    CacheLookup {
        /// The URL.
        url: String,
        /// Whether the entry let the request skip its preflight.
        hit: bool,
        /// Why it missed.
        miss: Option<String>,
    },
    /// A request and its response, with the checks on it.
    Exchange(Exchange),
    /// A preflight result was stored.
    PreflightStored {
        /// The URL.
        url: String,
        /// Seconds it is kept (`null`: not stored).
        max_age_secs: Option<u64>,
    },
    /// A redirect was followed.
    Redirected {
        /// From.
        from: String,
        /// To.
        to: String,
        /// The redirect status.
        status: u16,
        /// The method now used.
        method: String,
        /// Whether the origin is now `null`.
        tainted: bool,
    },
}

/// A request, its response, and the checks on the response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct Exchange {
    /// Its index among the requests sent.
    pub index: usize,
    /// Whether it is the preflight.
    pub preflight: bool,
    /// The request.
    pub request: RequestText,
    /// The response (`null` when none came back).
    pub response: Option<ResponseText>,
    /// The checks, in the browser's order.
    pub checks: Vec<CheckOutcome>,
}

/// A request as HTTP text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct RequestText {
    /// The method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The headers.
    pub headers: Vec<(String, String)>,
    /// The request as HTTP/1.1 text.
    pub text: String,
}

/// A response as HTTP text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct ResponseText {
    /// The status.
    pub status: u16,
    /// The headers.
    pub headers: Vec<(String, String)>,
    /// The response head as HTTP/1.1 text.
    pub text: String,
}

/// The checks on a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "kebab-case")]
pub enum CheckName {
    /// A preflight must not redirect.
    Redirect,
    /// `Access-Control-Allow-Origin`.
    AllowOrigin,
    /// `Access-Control-Allow-Credentials`.
    AllowCredentials,
    /// The preflight's status.
    Status,
    /// `Access-Control-Allow-Methods`.
    AllowMethods,
    /// `Access-Control-Allow-Headers`.
    AllowHeaders,
    /// Not CORS: a bad port.
    BadPort,
    /// Not CORS: a URL `fetch()` answers itself.
    Scheme,
    /// Not CORS: mixed content.
    MixedContent,
    /// Not CORS: Local Network Access.
    LocalNetworkAccess,
    /// Not CORS: `Cross-Origin-Resource-Policy`.
    CrossOriginResourcePolicy,
}

/// How a check went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "kebab-case")]
pub enum CheckState {
    /// Passed.
    Passed,
    /// Failed.
    Failed,
    /// An earlier check failed.
    NotReached,
}

impl From<core::CheckName> for CheckName {
    fn from(check: core::CheckName) -> Self {
        match check {
            core::CheckName::Redirect => CheckName::Redirect,
            core::CheckName::AllowOrigin => CheckName::AllowOrigin,
            core::CheckName::AllowCredentials => CheckName::AllowCredentials,
            core::CheckName::Status => CheckName::Status,
            core::CheckName::AllowMethods => CheckName::AllowMethods,
            core::CheckName::AllowHeaders => CheckName::AllowHeaders,
            core::CheckName::BadPort => CheckName::BadPort,
            core::CheckName::Scheme => CheckName::Scheme,
            core::CheckName::MixedContent => CheckName::MixedContent,
            core::CheckName::LocalNetworkAccess => CheckName::LocalNetworkAccess,
            core::CheckName::CrossOriginResourcePolicy => CheckName::CrossOriginResourcePolicy,
            // The core's list grows; this mirror goes when the TypeScript
            // types come from the core itself.
            _ => CheckName::Redirect,
        }
    }
}

impl From<core::CheckState> for CheckState {
    fn from(state: core::CheckState) -> Self {
        match state {
            core::CheckState::Passed => CheckState::Passed,
            core::CheckState::Failed => CheckState::Failed,
            core::CheckState::NotReached => CheckState::NotReached,
        }
    }
}

/// One check on one response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct CheckOutcome {
    /// Which check.
    pub check: CheckName,
    /// How it went.
    pub state: CheckState,
    /// The value checked.
    pub value: Option<String>,
    /// One sentence.
    pub detail: String,
}

/// What script gets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct ScriptView {
    /// Whether `fetch()` resolved.
    pub readable: bool,
    /// The filtered response.
    pub response: Option<FilteredResponse>,
    /// Header names the server sent that script cannot read.
    pub hidden_headers: Vec<String>,
    /// Why `fetch()` rejected.
    pub failure: Option<FailureSummary>,
    /// One sentence.
    pub summary: String,
}

/// Why `fetch()` rejected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct FailureSummary {
    /// The kind of failure.
    pub kind: String,
    /// Chromium's name for the CORS error.
    pub cors_error: Option<String>,
    /// The value that failed.
    pub failed_value: Option<String>,
    /// The URL being fetched.
    pub url: String,
    /// The URL script asked for, after a redirect.
    pub redirected_from: Option<String>,
    /// What the promise rejects with.
    pub rejects_with: String,
    /// One sentence.
    pub reason: String,
}

/// The fix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct Fix {
    /// One sentence.
    pub summary: String,
    /// Each failure in turn, and the change that cures it.
    pub steps: Vec<FixStep>,
    /// A change to the request, when the server cannot fix it.
    pub request_change: Option<RequestChange>,
    /// The response changes.
    pub patches: Vec<ResponsePatch>,
    /// Whether the engine allows the fetch with the fix applied.
    pub verified: Option<bool>,
    /// How it was verified.
    pub verification: String,
    /// Caveats.
    pub notes: Vec<String>,
    /// The configuration that produces it in common servers.
    pub configs: Vec<ServerConfig>,
}

/// One failure and its cure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct FixStep {
    /// The failure.
    pub failure: String,
    /// The value that failed.
    pub failed_value: Option<String>,
    /// The URL.
    pub url: String,
    /// Why it failed.
    pub why: String,
    /// The change.
    pub change: String,
}

/// A change to the `fetch()` call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct RequestChange {
    /// Another URL.
    pub url: Option<String>,
    /// Another mode.
    pub mode: Option<Mode>,
    /// Another redirect mode.
    pub redirect: Option<RedirectMode>,
    /// Why.
    pub why: Vec<String>,
}

/// The changes to one response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct ResponsePatch {
    /// The URL.
    pub url: String,
    /// Whether it is the preflight's response.
    pub preflight: bool,
    /// The request's method.
    pub method: String,
    /// A status change.
    pub status: Option<StatusChange>,
    /// Header changes.
    pub headers: Vec<HeaderChange>,
}

/// A status change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct StatusChange {
    /// From.
    pub from: u16,
    /// To.
    pub to: u16,
    /// Why.
    pub why: String,
}

/// A header change: added (`from` null), changed, or removed (`to` null).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct HeaderChange {
    /// The header name.
    pub name: String,
    /// The value before.
    pub from: Option<String>,
    /// The value after.
    pub to: Option<String>,
    /// Why.
    pub why: String,
}

/// The fix as configuration of a server or framework.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct ServerConfig {
    /// The server or framework.
    pub server: String,
    /// The snippet's language.
    pub language: String,
    /// The configuration.
    pub snippet: String,
}

// ------------------------------------------------------------------ conversions

impl From<&core::Explanation> for Explanation {
    fn from(e: &core::Explanation) -> Self {
        let core::Explanation { browser, page_origin, request, classification, timeline, result, console, fix } = e;
        Explanation {
            browser: (*browser).into(),
            page_origin: page_origin.clone(),
            request: request.into(),
            classification: classification.into(),
            timeline: timeline.iter().map(Into::into).collect(),
            result: result.into(),
            console: console.clone(),
            fix: fix.as_ref().map(Into::into),
        }
    }
}

impl From<&core::RequestSummary> for RequestSummary {
    fn from(r: &core::RequestSummary) -> Self {
        let core::RequestSummary { url, method, headers, mode, credentials, redirect } = r;
        RequestSummary {
            url: url.clone(),
            method: method.clone(),
            headers: headers.clone(),
            mode: (*mode).into(),
            credentials: (*credentials).into(),
            redirect: (*redirect).into(),
        }
    }
}

impl From<core::RequestKind> for RequestKind {
    fn from(k: core::RequestKind) -> Self {
        match k {
            core::RequestKind::SameOrigin => RequestKind::SameOrigin,
            core::RequestKind::NoCors => RequestKind::NoCors,
            core::RequestKind::Simple => RequestKind::Simple,
            core::RequestKind::Preflight => RequestKind::Preflight,
            core::RequestKind::NotSent => RequestKind::NotSent,
        }
    }
}

impl From<&core::Classification> for Classification {
    fn from(c: &core::Classification) -> Self {
        let core::Classification { kind, method, headers, summary } = c;
        Classification {
            kind: (*kind).into(),
            method: method.clone(),
            headers: headers
                .iter()
                .map(|core::UnsafeHeader { name, value, why }| UnsafeHeader {
                    name: name.clone(),
                    value: value.clone(),
                    why: why.clone(),
                })
                .collect(),
            summary: summary.clone(),
        }
    }
}

impl From<&core::Step> for Step {
    fn from(s: &core::Step) -> Self {
        match s {
            core::Step::HeaderDropped { name, because } => Step::HeaderDropped {
                name: name.clone(),
                because: match because {
                    corsim::request::DroppedBecause::Forbidden => DroppedBecause::Forbidden,
                    corsim::request::DroppedBecause::NoCors => DroppedBecause::NoCors,
                },
            },
            core::Step::Routed { url, kind, summary } => {
                Step::Routed { url: url.clone(), kind: (*kind).into(), summary: summary.clone() }
            }
            core::Step::CacheLookup { url, hit, miss } => {
                Step::CacheLookup { url: url.clone(), hit: *hit, miss: miss.clone() }
            }
            core::Step::Exchange(x) => Step::Exchange(x.into()),
            core::Step::PreflightStored { url, max_age_secs } => {
                Step::PreflightStored { url: url.clone(), max_age_secs: *max_age_secs }
            }
            core::Step::Redirected { from, to, status, method, tainted } => Step::Redirected {
                from: from.clone(),
                to: to.clone(),
                status: *status,
                method: method.clone(),
                tainted: *tainted,
            },
        }
    }
}

impl From<&core::Exchange> for Exchange {
    fn from(x: &core::Exchange) -> Self {
        let core::Exchange { index, preflight, request, response, checks } = x;
        let core::RequestText { method, url, headers, text } = request;
        Exchange {
            index: *index,
            preflight: *preflight,
            request: RequestText { method: method.clone(), url: url.clone(), headers: headers.clone(), text: text.clone() },
            response: response.as_ref().map(|core::ResponseText { status, headers, text }| ResponseText {
                status: *status,
                headers: headers.clone(),
                text: text.clone(),
            }),
            checks: checks
                .iter()
                .map(|core::CheckOutcome { check, state, value, detail }| CheckOutcome {
                    check: (*check).into(),
                    state: (*state).into(),
                    value: value.clone(),
                    detail: detail.clone(),
                })
                .collect(),
        }
    }
}

impl From<&core::ScriptView> for ScriptView {
    fn from(v: &core::ScriptView) -> Self {
        let core::ScriptView { readable, response, hidden_headers, failure, summary } = v;
        ScriptView {
            readable: *readable,
            response: response.as_ref().map(Into::into),
            hidden_headers: hidden_headers.clone(),
            failure: failure.as_ref().map(
                |core::FailureSummary { kind, cors_error, failed_value, url, redirected_from, rejects_with, reason }| {
                    FailureSummary {
                        kind: kind.clone(),
                        cors_error: cors_error.map(|e| e.name().to_owned()),
                        failed_value: failed_value.clone(),
                        url: url.clone(),
                        redirected_from: redirected_from.clone(),
                        rejects_with: rejects_with.clone(),
                        reason: reason.clone(),
                    }
                },
            ),
            summary: summary.clone(),
        }
    }
}

impl From<&core::Fix> for Fix {
    fn from(f: &core::Fix) -> Self {
        let core::Fix { summary, steps, request_change, patches, verified, verification, notes, configs } = f;
        Fix {
            summary: summary.clone(),
            steps: steps
                .iter()
                .map(|core::FixStep { failure, failed_value, url, why, change }| FixStep {
                    failure: failure.clone(),
                    failed_value: failed_value.clone(),
                    url: url.clone(),
                    why: why.clone(),
                    change: change.clone(),
                })
                .collect(),
            request_change: request_change.as_ref().map(|core::RequestChange { url, mode, redirect, why }| {
                RequestChange {
                    url: url.clone(),
                    mode: mode.map(Into::into),
                    redirect: redirect.map(Into::into),
                    why: why.clone(),
                }
            }),
            patches: patches
                .iter()
                .map(|core::ResponsePatch { url, preflight, method, status, headers }| ResponsePatch {
                    url: url.clone(),
                    preflight: *preflight,
                    method: method.clone(),
                    status: status.as_ref().map(|core::StatusChange { from, to, why }| StatusChange {
                        from: *from,
                        to: *to,
                        why: why.clone(),
                    }),
                    headers: headers
                        .iter()
                        .map(|core::HeaderChange { name, from, to, why }| HeaderChange {
                            name: name.clone(),
                            from: from.clone(),
                            to: to.clone(),
                            why: why.clone(),
                        })
                        .collect(),
                })
                .collect(),
            verified: *verified,
            verification: verification.clone(),
            notes: notes.clone(),
            configs: configs
                .iter()
                .map(|core::ServerConfig { server, language, snippet }| ServerConfig {
                    server: server.clone(),
                    language: language.clone(),
                    snippet: snippet.clone(),
                })
                .collect(),
        }
    }
}
