//! What a pasted console error tells: the browser, the request, the page, the
//! reason and its failing value, the facts the reason implies (a preflight was
//! sent, the status, credentials were included, a redirect happened), and the
//! scenario that reproduces it, with what the message does not say marked as
//! unknown.

use super::parse::{Message, MessageKind, Reading};
use super::templates::{FirefoxKey, WebKitMessage};
use crate::error::CorsError;
use crate::profile::Browser;

/// The browser's reason, as it names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum Reason {
    /// Chromium's `CorsError`.
    Chromium(CorsError),
    /// Firefox's message key.
    Firefox(FirefoxKey),
    /// WebKit's message (WebKit has no names).
    WebKit(WebKitMessage),
}

/// Which check failed, in terms common to the three browsers, with the
/// failing value where the message gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum Check {
    /// No `Access-Control-Allow-Origin`.
    AllowOriginAbsent,
    /// `Access-Control-Allow-Origin` had this value, not the page's origin.
    AllowOriginValue(String),
    /// `Access-Control-Allow-Origin` was absent or not the page's origin (WebKit does not say which).
    AllowOriginAbsentOrWrong,
    /// `Access-Control-Allow-Origin` held more than one value (this one, when given).
    AllowOriginMultiple(Option<String>),
    /// `Access-Control-Allow-Origin: *` on a credentialed request.
    AllowOriginWildcard,
    /// `Access-Control-Allow-Credentials` was not `true` (this value, when given; absent when empty).
    AllowCredentials(Option<String>),
    /// The preflight's status was not 2xx.
    PreflightStatus,
    /// The preflight's answer was a redirect.
    PreflightRedirect,
    /// `Access-Control-Allow-Methods` did not parse (the bad value or token, when given).
    AllowMethodsInvalid(Option<String>),
    /// `Access-Control-Allow-Headers` did not parse (the bad value or token, when given).
    AllowHeadersInvalid(Option<String>),
    /// The method was not in `Access-Control-Allow-Methods` (the method, when given).
    MethodNotAllowed(Option<String>),
    /// The header was not in `Access-Control-Allow-Headers`.
    HeaderNotAllowed(String),
    /// A redirect's `Location` carried a username or password.
    RedirectCredentials(String),
    /// A redirect to a scheme other than http(s) (the target, when given).
    RedirectScheme(Option<String>),
    /// The URL's scheme is not one CORS supports (a page or URL opened from a file).
    SchemeNotSupported,
    /// `mode: "same-origin"` and another origin (the URL it refused).
    SameOriginMode,
    /// `mode: "no-cors"` with a redirect mode other than `follow`.
    NoCorsRedirect,
    /// `redirect: "error"` met a redirect.
    RedirectMode,
    /// More than 20 redirects.
    TooManyRedirects,
    /// A redirect's `Location` did not parse.
    InvalidRedirect,
    /// Firefox's "CORS request did not succeed" alone: a network error, or a
    /// CORS failure Firefox does not name.
    DidNotSucceed,
}

impl Check {
    /// Where the check comes among the checks of one answer: 1 the
    /// allowed origin, 2 the credentials, 3 the status, 4 the methods, 5 the
    /// headers; 0 for checks about redirects and modes, made apart.
    pub fn order(&self) -> u8 {
        match self {
            Check::AllowOriginAbsent
            | Check::AllowOriginValue(_)
            | Check::AllowOriginAbsentOrWrong
            | Check::AllowOriginMultiple(_)
            | Check::AllowOriginWildcard => 1,
            Check::AllowCredentials(_) => 2,
            Check::PreflightStatus | Check::PreflightRedirect => 3,
            Check::AllowMethodsInvalid(_) | Check::MethodNotAllowed(_) => 4,
            Check::AllowHeadersInvalid(_) | Check::HeaderNotAllowed(_) => 5,
            _ => 0,
        }
    }
}

/// What the messages say, together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Facts {
    /// The browser that wrote them.
    pub browser: Option<Browser>,
    /// What made the request, as the browser calls it.
    pub initiator: Option<String>,
    /// The URL that failed.
    pub url: Option<String>,
    /// The URL script asked for, when a redirect led to [`Facts::url`].
    pub first_url: Option<String>,
    /// The page's origin.
    pub origin: Option<String>,
    /// The browser said the request's origin was `null` (a redirect tainted
    /// it, or the page is sandboxed).
    pub origin_null: bool,
    /// The reason, in the browser's terms.
    pub reason: Option<Reason>,
    /// The reason as the recordings name it (`cors_error`).
    pub reason_name: Option<String>,
    /// Which check failed.
    pub check: Option<Check>,
    /// Whether it failed on the preflight's answer (`None`: the message does not say).
    pub at_preflight: Option<bool>,
    /// The status of the answer that failed.
    pub status: Option<u16>,
    /// The request was credentialed (`credentials: "include"`).
    pub credentials_included: bool,
    /// A redirect happened.
    pub redirected: bool,
    /// A redirect pointed here.
    pub redirected_to: Option<String>,
    /// The request's method.
    pub method: Option<String>,
    /// A request header that needed permission.
    pub header: Option<String>,
    /// Script could read the response (Chromium logged only its error status).
    pub readable: bool,
}

impl Reading {
    /// The facts the messages give, together: the first message with a
    /// reason gives the reason; every message adds what it says.
    ///
    /// ```
    /// use corsim::console::{facts::Check, parse::parse};
    /// let f = parse("Access to fetch at 'https://api.example/x' from origin 'https://app.example' has been \
    ///     blocked by CORS policy: Response to preflight request doesn't pass access control check: \
    ///     No 'Access-Control-Allow-Origin' header is present on the requested resource.").facts();
    /// assert_eq!(f.reason_name.as_deref(), Some("PreflightMissingAllowOriginHeader"));
    /// assert_eq!(f.check, Some(Check::AllowOriginAbsent));
    /// assert_eq!(f.at_preflight, Some(true));
    /// ```
    pub fn facts(&self) -> Facts {
        let mut f = Facts {
            browser: self.messages.first().map(|m| m.browser),
            ..Facts::default()
        };
        let mut firefox_follow_up = false;
        for m in &self.messages {
            if f.browser != Some(m.browser) {
                continue;
            }
            let v = &m.values;
            if f.initiator.is_none() {
                f.initiator = v.initiator.clone();
            }
            if f.url.is_none() {
                f.url = v.url.clone();
            }
            if f.first_url.is_none() {
                f.first_url = v.first_url.clone();
            }
            if f.status.is_none() {
                f.status = v.status.as_deref().and_then(|s| s.parse().ok());
            }
            if let Some(method) = &v.method {
                f.method = Some(method.clone());
            }
            match m.kind {
                MessageKind::Firefox(FirefoxKey::DidNotSucceed) if f.check.is_some() => {
                    firefox_follow_up = true
                }
                MessageKind::ChromiumFailedStatus if f.check.is_none() => f.readable = true,
                _ if f.check.is_none() => read_reason(&mut f, m),
                _ => {}
            }
        }
        if f.check.is_some() {
            f.readable = false;
        }
        // Firefox logs "CORS request did not succeed" after another reason
        // exactly when the preflight failed or a followed redirect was refused.
        // A redirect's status says which: its answer was judged, not a preflight's.
        if f.browser == Some(Browser::Firefox) && f.at_preflight.is_none() {
            let redirect = f.status.is_some_and(|s| (300..400).contains(&s));
            f.at_preflight = Some(firefox_follow_up && !redirect);
            f.redirected |= firefox_follow_up && redirect;
        }
        f.redirected |= f.first_url.is_some() || f.redirected_to.is_some();
        f.reason_name = self.reason_name(&f);
        f
    }

    /// The reason as the recordings name it: Chromium's `CorsError`,
    /// Firefox's key, WebKit's first message with its URLs and the page's
    /// origin replaced by `<url>` and `<origin>`.
    fn reason_name(&self, f: &Facts) -> Option<String> {
        match f.reason? {
            Reason::Chromium(e) => Some(e.name().to_owned()),
            Reason::Firefox(k) => Some(k.name().to_owned()),
            Reason::WebKit(_) => {
                let first = self
                    .messages
                    .iter()
                    .find(|m| m.browser == Browser::WebKit && m.kind != MessageKind::Rejection)?;
                let mut urls = Vec::new();
                for m in &self.messages {
                    let v = &m.values;
                    urls.extend(
                        [&v.url, &v.first_url, &v.location, &v.redirect_url]
                            .into_iter()
                            .flatten()
                            .cloned(),
                    );
                }
                Some(super::anonymize(&first.text, &urls, f.origin.as_deref()))
            }
        }
    }
}

/// Chromium's `EncodeHint` undone: `\uXXXX` back to the character.
fn decode_hint(hint: &str) -> String {
    let mut out = String::with_capacity(hint.len());
    let mut rest = hint;
    while let Some(at) = rest.find("\\u") {
        out.push_str(&rest[..at]);
        let code = rest
            .get(at + 2..at + 6)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 6..];
            }
            None => {
                out.push_str("\\u");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The reason and the facts one message implies.
fn read_reason(f: &mut Facts, m: &Message) {
    let v = &m.values;
    let hint = v.hint.clone();
    match m.kind {
        MessageKind::ChromiumBlocked(_)
        | MessageKind::ChromiumSameOriginMode
        | MessageKind::ChromiumNoCorsRedirect => {
            let Some(error) = m.cors_error() else { return };
            f.reason = Some(Reason::Chromium(error));
            f.origin = v.origin.clone();
            f.at_preflight = Some(error.is_preflight());
            let hint = hint.map(|h| decode_hint(&h)).unwrap_or_default();
            use CorsError::*;
            f.check = Some(match error {
                MissingAllowOriginHeader | PreflightMissingAllowOriginHeader => {
                    Check::AllowOriginAbsent
                }
                MultipleAllowOriginValues | PreflightMultipleAllowOriginValues => {
                    Check::AllowOriginMultiple(Some(hint))
                }
                InvalidAllowOriginValue
                | PreflightInvalidAllowOriginValue
                | AllowOriginMismatch
                | PreflightAllowOriginMismatch => Check::AllowOriginValue(hint),
                WildcardOriginNotAllowed | PreflightWildcardOriginNotAllowed => {
                    Check::AllowOriginWildcard
                }
                InvalidAllowCredentials | PreflightInvalidAllowCredentials => {
                    Check::AllowCredentials(Some(hint))
                }
                PreflightInvalidStatus => Check::PreflightStatus,
                PreflightDisallowedRedirect => Check::PreflightRedirect,
                InvalidAllowMethodsPreflightResponse => Check::AllowMethodsInvalid(None),
                InvalidAllowHeadersPreflightResponse => Check::AllowHeadersInvalid(None),
                MethodDisallowedByPreflightResponse => {
                    f.method = Some(hint.clone());
                    Check::MethodNotAllowed(Some(hint))
                }
                HeaderDisallowedByPreflightResponse => {
                    f.header = Some(hint.clone());
                    Check::HeaderNotAllowed(hint)
                }
                RedirectContainsCredentials => {
                    f.redirected_to = Some(hint.clone());
                    Check::RedirectCredentials(hint)
                }
                CorsDisabledScheme => Check::SchemeNotSupported,
                InvalidResponse => Check::RedirectScheme(None),
                DisallowedByMode => Check::SameOriginMode,
                NoCorsRedirectModeNotFollow => Check::NoCorsRedirect,
            });
        }
        MessageKind::ChromiumFailedToLoad => {
            f.check = match v.net_error.as_deref() {
                Some(super::templates::CHROMIUM_NET_TOO_MANY_REDIRECTS) => {
                    Some(Check::TooManyRedirects)
                }
                Some(super::templates::CHROMIUM_NET_INVALID_REDIRECT) => {
                    Some(Check::InvalidRedirect)
                }
                _ => None,
            };
        }
        MessageKind::ChromiumUnsafeAttempt => {
            f.origin = v.origin.clone();
            f.redirected_to = v.url.clone();
            f.check = Some(Check::SameOriginMode);
        }
        MessageKind::Firefox(key) => {
            f.reason = Some(Reason::Firefox(key));
            // Firefox prints a value's bytes read as UTF-8: back to one character per byte.
            let hint: String = hint.unwrap_or_default().bytes().map(char::from).collect();
            let preflight = Some(true);
            f.check = Some(match key {
                FirefoxKey::DidNotSucceed => Check::DidNotSucceed,
                FirefoxKey::RequestNotHttp => Check::SchemeNotSupported,
                FirefoxKey::MissingAllowOrigin => Check::AllowOriginAbsent,
                FirefoxKey::MultipleAllowOriginNotAllowed => Check::AllowOriginMultiple(None),
                FirefoxKey::AllowOriginNotMatchingOrigin => Check::AllowOriginValue(hint),
                FirefoxKey::NotSupportingCredentials => Check::AllowOriginWildcard,
                FirefoxKey::MissingAllowCredentials => Check::AllowCredentials(None),
                FirefoxKey::PreflightDidNotSucceed => {
                    f.at_preflight = preflight;
                    Check::PreflightStatus
                }
                FirefoxKey::ExternalRedirectNotAllowed => {
                    f.at_preflight = preflight;
                    Check::PreflightRedirect
                }
                FirefoxKey::InvalidAllowMethod => {
                    f.at_preflight = preflight;
                    Check::AllowMethodsInvalid(Some(hint))
                }
                FirefoxKey::InvalidAllowHeader => {
                    f.at_preflight = preflight;
                    Check::AllowHeadersInvalid(Some(hint))
                }
                FirefoxKey::MethodNotFound => {
                    f.at_preflight = preflight;
                    Check::MethodNotAllowed(None)
                }
                FirefoxKey::MissingAllowHeaderFromPreflight => {
                    f.at_preflight = preflight;
                    f.header = Some(hint.clone());
                    Check::HeaderNotAllowed(hint)
                }
            });
        }
        MessageKind::FirefoxSecurityError => {
            f.origin = v.origin.clone();
            f.check = Some(Check::SameOriginMode);
        }
        MessageKind::WebKit { message, redirect } => {
            f.reason = Some(Reason::WebKit(message));
            if redirect {
                f.redirected_to = v.location.clone();
                f.at_preflight = Some(false);
            }
            let hint = hint.unwrap_or_default();
            f.check = Some(match message {
                WebKitMessage::OriginNotAllowed => {
                    // `null` on a redirect is the tainted request origin; without
                    // one, the page's own (a sandboxed page), assuming least.
                    match v.origin.as_deref() {
                        Some("null") if redirect => f.origin_null = true,
                        other => f.origin = other.map(str::to_owned),
                    }
                    Check::AllowOriginAbsentOrWrong
                }
                WebKitMessage::MultipleOrigins => Check::AllowOriginMultiple(None),
                WebKitMessage::WildcardWithCredentials => Check::AllowOriginWildcard,
                WebKitMessage::CredentialsNotTrue => Check::AllowCredentials(None),
                WebKitMessage::PreflightNotSuccessful => {
                    f.at_preflight = Some(true);
                    match f.status {
                        Some(s) if (300..400).contains(&s) => Check::PreflightRedirect,
                        _ => Check::PreflightStatus,
                    }
                }
                WebKitMessage::InvalidAllowMethods => {
                    f.at_preflight = Some(true);
                    Check::AllowMethodsInvalid(Some(hint))
                }
                WebKitMessage::InvalidAllowHeaders => {
                    f.at_preflight = Some(true);
                    Check::AllowHeadersInvalid(Some(hint))
                }
                WebKitMessage::MethodNotAllowed => {
                    f.at_preflight = Some(true);
                    f.method = Some(hint.clone());
                    Check::MethodNotAllowed(Some(hint))
                }
                WebKitMessage::HeaderNotAllowed => {
                    f.at_preflight = Some(true);
                    f.header = Some(hint.clone());
                    Check::HeaderNotAllowed(hint)
                }
                WebKitMessage::RedirectionHasCredentials => {
                    let to = v.redirect_url.clone().unwrap_or_default();
                    f.redirected_to = Some(to.clone());
                    Check::RedirectCredentials(to)
                }
                WebKitMessage::NonCorsScheme => Check::RedirectScheme(v.location.clone()),
                WebKitMessage::NoCorsRedirect | WebKitMessage::NotAllowedToRequest => {
                    Check::NoCorsRedirect
                }
                WebKitMessage::RedirectNotAllowed => Check::RedirectMode,
                WebKitMessage::TooManyRedirects => Check::TooManyRedirects,
                WebKitMessage::UnsafeAttempt => {
                    f.origin = v.origin.clone();
                    f.redirected_to = v.url.clone();
                    Check::SameOriginMode
                }
            });
        }
        MessageKind::WebKitCannotLoad => f.check = Some(Check::SameOriginMode),
        MessageKind::ChromiumFailedStatus
        | MessageKind::ChromiumNetworkLine
        | MessageKind::Rejection
        | MessageKind::WebKitAccessControlChecks => {}
    }
    if matches!(
        f.check,
        Some(Check::AllowOriginWildcard | Check::AllowCredentials(_))
    ) {
        f.credentials_included = true;
    }
}

/// A fact the message does not give, and the value the implied scenario
/// assumes for it (the one that assumes least).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Unknown {
    /// The fact, in words.
    pub fact: String,
    /// What the scenario assumes.
    pub assumed: String,
}

/// The scenario a message implies: one step, the server's answers built so
/// that the failing check fails with the failing value and every other check
/// passes.
#[cfg(feature = "serde")]
#[derive(Clone, Debug, PartialEq)]
pub struct Implied {
    /// The scenario line, in `tests/corpus/FORMAT.md`'s shape, with the
    /// unknown facts listed under `"unknown"` (which scenario readers ignore).
    pub line: serde_json::Value,
    /// The facts the message does not give.
    pub unknown: Vec<Unknown>,
}

#[cfg(feature = "serde")]
mod implied {
    use serde_json::{json, Value};
    use url::Url;

    use super::{Check, Facts, Implied, Unknown};
    use crate::method;
    use crate::initiator::Initiator;
    use crate::origin::Origin;
    use crate::profile::Browser;

    /// The page origin assumed when no message names it: of the request's
    /// own scheme, so that no check around CORS (mixed content) decides
    /// what the message says CORS decided.
    fn some_page(target: &Url) -> &'static str {
        if target.scheme() == "https" {
            "https://page.example"
        } else {
            "http://page.example"
        }
    }

    /// One scripted answer being built.
    struct Answer {
        status: u16,
        headers: Vec<(String, String)>,
    }

    impl Answer {
        fn set(&mut self, name: &str, value: Option<&str>) {
            self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            if let Some(v) = value {
                self.headers.push((name.to_owned(), v.to_owned()));
            }
        }

        fn to_json(&self) -> Value {
            json!({ "status": self.status, "headers": self.headers })
        }
    }

    impl Facts {
        /// The scenario these facts imply, or why there is none (no URL).
        ///
        /// ```
        /// use corsim::console::parse::parse;
        /// use corsim::scenario::Scenario;
        /// let facts = parse("Access to fetch at 'https://api.example/me' from origin 'https://app.example' \
        ///     has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the \
        ///     response must not be the wildcard '*' when the request's credentials mode is 'include'.").facts();
        /// let implied = facts.scenario().unwrap();
        /// let scenario = Scenario::from_value(&implied.line).unwrap();
        /// let verdict = scenario.simulate(None);
        /// assert_eq!(verdict.steps[0].cors_error.as_deref(), Some("WildcardOriginNotAllowed"));
        /// ```
        pub fn scenario(&self) -> Result<Implied, String> {
            let mut unknown = Vec::new();
            let mut assume = |fact: &str, assumed: String| {
                unknown.push(Unknown {
                    fact: fact.to_owned(),
                    assumed,
                })
            };
            let failing_url = self
                .url
                .clone()
                .ok_or("the message names no URL; paste the whole message")?;
            let failing = Url::parse(&failing_url)
                .map_err(|e| format!("'{failing_url}' is not a URL ({e})"))?;
            let origin = match &self.origin {
                Some(o) => o.clone(),
                None => {
                    let page = if Origin::of_url(&failing).serialize() == some_page(&failing) {
                        "https://other-page.example"
                    } else {
                        some_page(&failing)
                    };
                    let why = if self.origin_null {
                        " (the browser judged the request's origin as 'null')"
                    } else {
                        ""
                    };
                    assume(&format!("the page's origin{why}"), page.to_owned());
                    page.to_owned()
                }
            };
            // The initiator the message names, when corsim simulates it.
            let initiator = self.initiator.as_deref().and_then(crate::console::templates::initiator_named);
            let element = initiator.filter(|i| i.is_element() && self.at_preflight != Some(true));
            let initiator = match initiator {
                Some(Initiator::Xhr) => Some(Initiator::Xhr),
                _ => element,
            };
            let include = self.credentials_included;
            if !include {
                let default = match initiator {
                    Some(Initiator::Xhr) => "no: withCredentials false, XMLHttpRequest's default",
                    Some(Initiator::Font) => "no: credentials 'same-origin', as for every font",
                    Some(_) => "no: crossorigin=\"anonymous\" (credentials 'same-origin')",
                    None => "no: credentials 'same-origin', fetch()'s default",
                };
                assume("whether the request sends credentials", default.to_owned());
            }
            match (self.initiator.as_deref(), initiator) {
                (Some(i), None) if !matches!(i, "fetch" | "Fetch API") => assume(
                    &format!("what the {i} request does that fetch() does not"),
                    "nothing: simulated as fetch() with the same mode and credentials".to_owned(),
                ),
                (_, Some(Initiator::Script)) => assume(
                    "whether the script is a module (<script type=module>) or a classic one with a crossorigin attribute",
                    "a classic <script crossorigin> (a module script gives the same message)".to_owned(),
                ),
                _ => {}
            }

            // The request.
            let mut method_name = self.method.clone();
            if matches!(self.check, Some(Check::MethodNotAllowed(None))) {
                assume("the method", "PUT".to_owned());
                method_name = Some("PUT".to_owned());
            }
            let method_name = method_name.unwrap_or_else(|| "GET".to_owned());
            let mut headers: Vec<(String, String)> = Vec::new();
            if let Some(h) = &self.header {
                let value = if h.eq_ignore_ascii_case("content-type") {
                    "application/json"
                } else {
                    "1"
                };
                assume(
                    &format!("the value of the request header {h}"),
                    value.to_owned(),
                );
                headers.push((h.clone(), value.to_owned()));
            }
            let needs_preflight = self.at_preflight == Some(true);
            if needs_preflight && headers.is_empty() && method::is_cors_safelisted(&method_name) {
                assume(
                    "what made the browser send a preflight (a method other than GET, HEAD or POST, or a header such as Content-Type: application/json or Authorization)",
                    "the header Content-Type: application/json".to_owned(),
                );
                headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
            }
            if self.at_preflight.is_none()
                && !matches!(
                    self.check,
                    Some(
                        Check::SameOriginMode
                            | Check::NoCorsRedirect
                            | Check::RedirectMode
                            | Check::TooManyRedirects
                    )
                )
            {
                assume(
                    "whether a preflight was sent",
                    "no: the request needs none".to_owned(),
                );
            }
            if self.method.is_none() && !matches!(self.check, Some(Check::MethodNotAllowed(None))) {
                assume("the method", method_name.clone());
            }
            let mut mode = "cors";
            let mut redirect = "follow";
            match self.check {
                Some(Check::SameOriginMode) => mode = "same-origin",
                Some(Check::NoCorsRedirect) => {
                    mode = "no-cors";
                    redirect = "error";
                    assume("the redirect mode", "'error' (or 'manual')".to_owned());
                }
                Some(Check::RedirectMode) => redirect = "error",
                _ => {}
            }

            // Every answer passes every check but the failing one.
            let passing = |preflight: bool| {
                let mut a = Answer {
                    status: if preflight { 204 } else { 200 },
                    headers: vec![("Access-Control-Allow-Origin".to_owned(), origin.clone())],
                };
                if include {
                    a.headers.push((
                        "Access-Control-Allow-Credentials".to_owned(),
                        "true".to_owned(),
                    ));
                }
                if preflight {
                    if !method::is_cors_safelisted(&method_name) {
                        a.headers.push((
                            "Access-Control-Allow-Methods".to_owned(),
                            method_name.clone(),
                        ));
                    }
                    if !headers.is_empty() {
                        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
                        a.headers
                            .push(("Access-Control-Allow-Headers".to_owned(), names.join(", ")));
                    }
                }
                a
            };
            let mut server = serde_json::Map::new();
            let mut request_url = failing_url.clone();
            let redirect_to =
                |from: &str, to: &str, server: &mut serde_json::Map<String, Value>| {
                    let mut hop = passing(false);
                    hop.status = 302;
                    hop.set("Location", Some(to));
                    let mut entry = json!({ "actual": hop.to_json() });
                    if needs_preflight {
                        entry["preflight"] = passing(true).to_json();
                    }
                    server.insert(from.to_owned(), entry);
                };
            if let Some(first) = &self.first_url {
                request_url = first.clone();
                assume("the status of the redirect", "302".to_owned());
                redirect_to(first, &failing_url, &mut server);
            } else if self.origin_null && self.origin.is_none() {
                // The request's origin became `null`: an earlier redirect came from a
                // third origin.
                let first = if failing.host_str() == Some("redirector.example") {
                    "https://redirector2.example/"
                } else {
                    "https://redirector.example/"
                };
                assume("the URL script asked for (a redirect from another origin made the request's origin 'null')", first.to_owned());
                request_url = first.to_owned();
                redirect_to(first, &failing_url, &mut server);
            }
            let mut failed = passing(needs_preflight);
            // The checks before the failing one passed; of the headers for
            // later ones the message says nothing, so the answer is assumed
            // to hold none of them.
            let order = self.check.as_ref().map_or(0, Check::order);
            if order > 0 {
                for (name, checked_at) in [
                    ("Access-Control-Allow-Credentials", 2),
                    ("Access-Control-Allow-Methods", 4),
                    ("Access-Control-Allow-Headers", 5),
                ] {
                    if order < checked_at && failed.headers.iter().any(|(n, _)| n == name) {
                        assume(&format!("the {name} the server sent"), "none".to_owned());
                        failed.set(name, None);
                    }
                }
            }
            let status_given = self.status;
            match status_given {
                Some(s) => failed.status = s,
                None if matches!(self.check, Some(Check::PreflightStatus)) => {
                    assume("the preflight's status", "404".to_owned());
                    failed.status = 404;
                }
                None => {}
            }
            match &self.check {
                None | Some(Check::DidNotSucceed) => {
                    return Err("the message names no reason corsim can reproduce".to_owned())
                }
                Some(Check::SchemeNotSupported) => {
                    return Err(
                        "the URL is not http: or https:, and corsim simulates http(s) servers only".to_owned(),
                    )
                }
                Some(Check::AllowOriginAbsent) => failed.set("Access-Control-Allow-Origin", None),
                Some(Check::AllowOriginValue(v)) => {
                    failed.set("Access-Control-Allow-Origin", Some(v))
                }
                Some(Check::AllowOriginAbsentOrWrong) => {
                    assume("the Access-Control-Allow-Origin the server sent (absent, or not the page's origin)", "absent".to_owned());
                    failed.set("Access-Control-Allow-Origin", None);
                }
                Some(Check::AllowOriginMultiple(v)) => {
                    let value = match v {
                        Some(v) => v.clone(),
                        None => {
                            assume(
                                "the Access-Control-Allow-Origin the server sent",
                                format!("two lines, both '{origin}'"),
                            );
                            origin.clone()
                        }
                    };
                    failed.set("Access-Control-Allow-Origin", Some(&value));
                    if v.is_none() {
                        failed
                            .headers
                            .push(("Access-Control-Allow-Origin".to_owned(), origin.clone()));
                    }
                }
                Some(Check::AllowOriginWildcard) => {
                    failed.set("Access-Control-Allow-Origin", Some("*"))
                }
                Some(Check::AllowCredentials(v)) => {
                    if v.is_none() {
                        assume(
                            "the Access-Control-Allow-Credentials the server sent",
                            "absent".to_owned(),
                        );
                    }
                    failed.set(
                        "Access-Control-Allow-Credentials",
                        v.as_deref().filter(|v| !v.is_empty()),
                    );
                }
                Some(Check::PreflightStatus) => {}
                Some(Check::PreflightRedirect) => {
                    if status_given.is_none() {
                        assume("the preflight's redirect status", "302".to_owned());
                        failed.status = 302;
                    }
                    assume(
                        "where the preflight's redirect pointed",
                        failing_url.clone(),
                    );
                    failed.set("Location", Some(&failing_url));
                }
                Some(Check::AllowMethodsInvalid(v)) => {
                    let value = v.clone().unwrap_or_else(|| {
                        assume(
                            "the Access-Control-Allow-Methods the server sent",
                            "'PUT;GET'".to_owned(),
                        );
                        "PUT;GET".to_owned()
                    });
                    failed.set("Access-Control-Allow-Methods", Some(&value));
                }
                Some(Check::AllowHeadersInvalid(v)) => {
                    let value = v.clone().unwrap_or_else(|| {
                        assume(
                            "the Access-Control-Allow-Headers the server sent",
                            "'content-type;x'".to_owned(),
                        );
                        "content-type;x".to_owned()
                    });
                    failed.set("Access-Control-Allow-Headers", Some(&value));
                }
                Some(Check::MethodNotAllowed(_)) => {
                    assume(
                        "the Access-Control-Allow-Methods the server sent",
                        "absent".to_owned(),
                    );
                    failed.set("Access-Control-Allow-Methods", None);
                }
                Some(Check::HeaderNotAllowed(_)) => {
                    assume(
                        "the Access-Control-Allow-Headers the server sent",
                        "absent".to_owned(),
                    );
                    failed.set("Access-Control-Allow-Headers", None);
                }
                Some(Check::RedirectCredentials(to)) => {
                    let to = if to.is_empty() {
                        // Chromium leaves the value out of its message.
                        let mut with = failing.clone();
                        let _ = with.set_username("user");
                        let _ = with.set_password(Some("password"));
                        assume(
                            "where the redirect pointed",
                            format!("{with} (a URL with a username and password)"),
                        );
                        with.to_string()
                    } else {
                        to.clone()
                    };
                    failed.status = status_given.unwrap_or(302);
                    failed.set("Location", Some(&to));
                }
                Some(Check::RedirectScheme(to)) => {
                    let to = to.clone().unwrap_or_else(|| {
                        assume(
                            "where the redirect pointed",
                            "data:text/plain,hi".to_owned(),
                        );
                        "data:text/plain,hi".to_owned()
                    });
                    failed.status = status_given.unwrap_or(302);
                    failed.set("Location", Some(&to));
                }
                Some(Check::SameOriginMode) => {
                    if let Some(to) = &self.redirected_to {
                        // A same-origin URL that redirected to another origin.
                        let start = format!("{origin}/");
                        assume("the same-origin URL that redirected", start.clone());
                        request_url = start.clone();
                        redirect_to(&start, to, &mut server);
                    }
                }
                Some(Check::NoCorsRedirect) => {}
                Some(Check::RedirectMode) => {
                    let to = format!("{failing_url}?next");
                    assume("where the redirect pointed", to.clone());
                    failed.status = status_given.unwrap_or(302);
                    failed.set("Location", Some(&to));
                }
                Some(Check::TooManyRedirects) => {
                    assume("the redirects", "the URL redirects to itself".to_owned());
                    failed.status = 302;
                    failed.set("Location", Some(&failing_url));
                }
                Some(Check::InvalidRedirect) => {
                    assume(
                        "the redirect's Location",
                        "'http://[::1' (not a URL)".to_owned(),
                    );
                    failed.status = 302;
                    failed.set("Location", Some("http://[::1"));
                }
            }
            // WebKit: the reason came on a redirect's answer.
            if let (Some(to), Some(false), None) =
                (&self.redirected_to, self.at_preflight, &self.first_url)
            {
                if !matches!(
                    self.check,
                    Some(
                        Check::RedirectCredentials(_)
                            | Check::RedirectScheme(_)
                            | Check::SameOriginMode
                    )
                ) {
                    failed.status = status_given.unwrap_or(302);
                    failed.set("Location", Some(to));
                }
            }
            // The answer that failed was a redirect.
            if self.redirected
                && (300..400).contains(&failed.status)
                && !failed.headers.iter().any(|(n, _)| n == "Location")
            {
                let to = format!("{failing_url}?next");
                assume("where the redirect pointed", to.clone());
                failed.set("Location", Some(&to));
            }
            if status_given.is_none()
                && !matches!(self.check, Some(Check::PreflightStatus))
                && failed.status < 300
            {
                assume("the status of the answer that failed", failed.status.to_string());
            }
            let entry = server
                .entry(failing_url.clone())
                .or_insert_with(|| json!({}));
            if needs_preflight {
                entry["preflight"] = failed.to_json();
                assume(
                    "the answer to the request itself (the browser never sent it)",
                    "status 200, no CORS headers".to_owned(),
                );
                entry["actual"] = Answer { status: 200, headers: Vec::new() }.to_json();
            } else {
                if headers.iter().any(|(n, _)| !n.is_empty())
                    || !method::is_cors_safelisted(&method_name)
                {
                    entry["preflight"] = passing(true).to_json();
                }
                entry["actual"] = failed.to_json();
            }
            let browser = match self.browser {
                Some(Browser::Firefox) => "Firefox",
                Some(Browser::WebKit) => "WebKit",
                _ => "Chromium",
            };
            let credentials = if include { "include" } else { "same-origin" };
            let request = match initiator {
                Some(Initiator::Xhr) => json!({
                    "initiator": "xhr",
                    "url": request_url,
                    "method": method_name,
                    "headers": headers,
                    "credentials": credentials,
                }),
                Some(Initiator::Font) => json!({ "initiator": "font", "url": request_url }),
                // A CORS failure of an element: it had a crossorigin attribute.
                Some(element) => json!({
                    "initiator": element.name(),
                    "url": request_url,
                    "crossorigin": if include { "use-credentials" } else { "anonymous" },
                }),
                None => json!({
                    "url": request_url,
                    "method": method_name,
                    "headers": headers,
                    "mode": mode,
                    "credentials": credentials,
                    "redirect": redirect,
                }),
            };
            let line = json!({
                "id": "from-message",
                "browser": browser,
                "origin": origin,
                "steps": [{
                    "at_ms": 0,
                    "request": request,
                }],
                "server": server,
                "unknown": unknown,
            });
            Ok(Implied { line, unknown })
        }
    }
}

impl Facts {
    /// What the browser did and why, in plain words, one sentence a line.
    ///
    /// ```
    /// use corsim::console::parse::parse;
    /// let story = parse("Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 404")
    ///     .facts()
    ///     .story();
    /// assert!(story.iter().any(|s| s.contains("status 404")), "{story:?}");
    /// ```
    pub fn story(&self) -> Vec<String> {
        let mut out = Vec::new();
        let page = match self.origin.as_deref() {
            None => "The page".to_owned(),
            Some("null") => "A page of origin null (sandboxed, or opened from a file)".to_owned(),
            Some(o) => format!("The page at {o}"),
        };
        let what = match self.initiator.as_deref() {
            None | Some("fetch") | Some("Fetch API") => "fetch()".to_owned(),
            Some(i) => i.to_owned(),
        };
        if let Some(url) = self.first_url.as_ref().or(self.url.as_ref()) {
            out.push(format!("{page} asked for {url} with {what}."));
        }
        if let (Some(first), Some(url)) = (&self.first_url, &self.url) {
            out.push(format!("{first} redirected to {url}."));
        }
        if self.at_preflight == Some(true) {
            let why = match (&self.method, &self.header) {
                (_, Some(h)) => format!(" (the header {h} needs the server's permission)"),
                (Some(m), None) if !crate::method::is_cors_safelisted(m) => {
                    format!(" (the method {m} needs the server's permission)")
                }
                _ => String::new(),
            };
            out.push(format!(
                "The request is not a simple one{why}, so the browser first sent a preflight, an OPTIONS request asking the server's permission."
            ));
        }
        let answer = match self.at_preflight {
            Some(true) => "the answer to the preflight",
            Some(false) => "the server's answer",
            None => "the server's answer (to the request or to its preflight)",
        };
        let origin = self.origin.as_deref().map_or(String::new(), |o| format!(" ({o})"));
        let sentence = match &self.check {
            None => None,
            Some(Check::AllowOriginAbsent) => Some(format!("{answer} had no Access-Control-Allow-Origin header.")),
            Some(Check::AllowOriginValue(v)) if v.is_empty() => Some(format!("{answer} had an empty Access-Control-Allow-Origin.")),
            Some(Check::AllowOriginValue(v)) => Some(format!(
                "{answer} allowed the origin '{v}', which is not the page's origin{origin}: they must be equal, scheme, host and port, with no path or trailing slash."
            )),
            Some(Check::AllowOriginAbsentOrWrong) => Some(format!(
                "{answer} had no Access-Control-Allow-Origin naming the page's origin (WebKit does not say whether the header was missing or different)."
            )),
            Some(Check::AllowOriginMultiple(v)) => Some(format!(
                "{answer} gave Access-Control-Allow-Origin more than one value{}; the browser accepts exactly one origin, or *.",
                v.as_deref().map_or(String::new(), |v| format!(" ('{v}')"))
            )),
            Some(Check::AllowOriginWildcard) => Some(format!(
                "The request carries credentials (cookies or HTTP authentication) and {answer} allowed every origin with '*'; with credentials the browser requires the page's exact origin."
            )),
            Some(Check::AllowCredentials(v)) => Some(format!(
                "The request carries credentials (cookies or HTTP authentication) and {answer} did not say Access-Control-Allow-Credentials: true{}.",
                match v.as_deref() {
                    Some("") | None => String::new(),
                    Some(v) => format!(" (it said '{v}')"),
                }
            )),
            Some(Check::PreflightStatus) => Some(format!(
                "The preflight was answered with status {}; a preflight needs a 2xx answer (200 or 204).",
                self.status.map_or("other than 2xx".to_owned(), |s| s.to_string())
            )),
            Some(Check::PreflightRedirect) => {
                Some("The preflight was answered with a redirect; the browser never follows a redirect for a preflight.".to_owned())
            }
            Some(Check::AllowMethodsInvalid(v)) => Some(format!(
                "The preflight's Access-Control-Allow-Methods{} is not a comma-separated list of method names.",
                v.as_deref().map_or(String::new(), |v| format!(" ('{v}')"))
            )),
            Some(Check::AllowHeadersInvalid(v)) => Some(format!(
                "The preflight's Access-Control-Allow-Headers{} is not a comma-separated list of header names.",
                v.as_deref().map_or(String::new(), |v| format!(" ('{v}')"))
            )),
            Some(Check::MethodNotAllowed(m)) => Some(format!(
                "The request's method{} is not in Access-Control-Allow-Methods of the answer to the preflight.",
                m.as_deref().map_or(String::new(), |m| format!(" {m}"))
            )),
            Some(Check::HeaderNotAllowed(h)) => {
                Some(format!("The request header {h} is not in Access-Control-Allow-Headers of the answer to the preflight."))
            }
            Some(Check::RedirectCredentials(to)) => Some(format!(
                "The server redirected to {}, a URL with a username and password; the browser refuses that for a cross-origin request.",
                if to.is_empty() { "a URL" } else { to }
            )),
            Some(Check::RedirectScheme(to)) => Some(format!(
                "The server redirected to {}, which is not http: or https:; a CORS request cannot follow it.",
                to.as_deref().unwrap_or("a URL")
            )),
            Some(Check::SameOriginMode) => Some(format!(
                "The request was made with mode: 'same-origin' and {} another origin.",
                if self.redirected_to.is_some() { "a redirect led to" } else { "the URL is on" }
            )),
            Some(Check::NoCorsRedirect) => {
                Some("The request was made with mode: 'no-cors' and a redirect mode other than 'follow'.".to_owned())
            }
            Some(Check::RedirectMode) => {
                Some("The request was made with redirect: 'error' and the server answered with a redirect.".to_owned())
            }
            Some(Check::TooManyRedirects) => Some("The server redirected more than 20 times.".to_owned()),
            Some(Check::InvalidRedirect) => Some("The server redirected to a Location that is not a URL.".to_owned()),
            Some(Check::SchemeNotSupported) => Some(
                "The URL is not http: or https: (a page or a URL opened from a file, say); browsers make cross-origin requests over http(s) only. Serve the page and the API over http://localhost."
                    .to_owned(),
            ),
            Some(Check::DidNotSucceed) => Some(
                "Firefox names no CORS check: the request did not complete. Most often the server could not be reached (connection refused, DNS or TLS failure), or a redirect was refused."
                    .to_owned(),
            ),
        };
        if let Some(s) = sentence {
            let mut chars = s.chars();
            out.push(chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect()));
        }
        if let Some(s) = self.status.filter(|_| !matches!(self.check, Some(Check::PreflightStatus))) {
            let mut line = format!("The answer that failed had status {s}.");
            if s >= 400 {
                line.push_str(
                    " The status is not the cause: an answer without the CORS headers is blocked whatever its status, so they must be on every answer, errors included.",
                );
            }
            out.push(line);
        }
        if self.readable {
            out.push("No CORS check failed: script read the response; the message only reports its error status.".to_owned());
        } else if self.check.is_some() && what == "fetch()" {
            let rejects = super::templates::rejection(self.browser.unwrap_or(Browser::Chromium));
            out.push(format!("fetch() rejected with \"{rejects}\", and script sees no status, no headers and no body."));
        } else if self.check.is_some() {
            out.push(format!("The {what} load failed (its error event fired), and script sees no status, no headers and no body."));
        }
        out
    }
}

/// Everything a paste says, in one value for JSON: `corsim explain --message
/// --json` and the wasm package's `parseMessage` both give it.
#[cfg(feature = "serde")]
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct MessageReport {
    /// The messages recognized, in order.
    pub messages: Vec<Message>,
    /// Text no template matched.
    pub unrecognized: Vec<String>,
    /// What the messages say, together.
    pub facts: Facts,
    /// What the browser did and why, in plain words.
    pub story: Vec<String>,
    /// The scenario line that reproduces the message (FORMAT.md's shape), when there is one.
    #[cfg_attr(feature = "tsify", tsify(type = "Scenario | null"))]
    pub scenario: Option<serde_json::Value>,
    /// The facts the message does not give, with the values the scenario assumes.
    pub unknown: Vec<Unknown>,
    /// Why there is no scenario, when there is none.
    pub why_no_scenario: Option<String>,
}

#[cfg(feature = "serde")]
impl MessageReport {
    /// The report on `reading`, with `facts` (its own, or with what the user added).
    ///
    /// ```
    /// use corsim::console::{facts::MessageReport, parse::parse};
    /// let reading = parse("TypeError: Load failed");
    /// let report = MessageReport::new(&reading, reading.facts());
    /// assert_eq!(report.facts.browser, Some(corsim::Browser::WebKit));
    /// assert!(report.scenario.is_none(), "no URL, no reason: {:?}", report.why_no_scenario);
    /// ```
    pub fn new(reading: &Reading, facts: Facts) -> MessageReport {
        let (scenario, unknown, why_no_scenario) = match facts.scenario() {
            Ok(implied) => (Some(implied.line), implied.unknown, None),
            Err(why) => (None, Vec::new(), Some(why)),
        };
        MessageReport {
            messages: reading.messages.clone(),
            unrecognized: reading.unrecognized.clone(),
            story: facts.story(),
            facts,
            scenario,
            unknown,
            why_no_scenario,
        }
    }
}
