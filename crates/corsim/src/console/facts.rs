//! What a pasted console error tells: the browser, the request, the page, the
//! reason and its failing value, the facts the reason implies (a preflight was
//! sent, the status, credentials were included, a redirect happened), and the
//! scenario that reproduces it, with what the message does not say marked as
//! unknown.

use super::parse::{Message, MessageKind, Reading, Refusal};
use super::templates::{self as t, FirefoxKey, GateMessage, WebKitMessage};
use crate::blocked::{AddressSpace, CorpBlock, Gate, LnaBlock, LnaDenial, ResourcePolicy, SchemeError};
use crate::error::CorsError;
use crate::request::Initiator;
use crate::response::ResourceRefusal;
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
    /// Not CORS: a check around CORS refused the fetch. Values the message
    /// does not give are the least the refusal needs (a bad port is `0`
    /// until the URL names it; the page's address space for Local Network
    /// Access is `public`; the page's URL for Firefox's mixed content line
    /// is empty).
    Blocked(Gate),
    /// Not CORS: the request got no HTTP answer (Chromium's network error name).
    NetworkError(String),
    /// The HTTP stack could not parse the answer (a NUL byte in a header
    /// line), before any CORS check.
    UnparsableResponse,
    /// Not CORS: the element refused the response the fetch delivered (a
    /// script's or stylesheet's MIME type; a MIME type the line does not
    /// name is `text/plain`).
    Refused(Initiator, ResourceRefusal),
    /// Not a failure: `XMLHttpRequest`'s `setRequestHeader()` ignored this
    /// forbidden header, and the request went without it.
    UnsafeHeader(String),
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

    /// When the check is not CORS: "not CORS: …" and the fix, which is
    /// never a CORS header.
    ///
    /// ```
    /// use corsim::console::parse::parse;
    /// let f = parse("GET http://api.example:6000/x net::ERR_UNSAFE_PORT").facts();
    /// let (what, fix) = f.check.unwrap().not_cors().unwrap();
    /// assert_eq!(what, "not CORS: a blocked port");
    /// assert!(fix.contains("6000"), "{fix}");
    /// ```
    pub fn not_cors(&self) -> Option<(String, String)> {
        match self {
            Check::Blocked(gate) => Some((gate.to_string(), gate.fix())),
            Check::Refused(initiator, refusal) => {
                let why = refusal.explain();
                let (what, fix) = why.split_once("; fix: ").unwrap_or((why.as_str(), ""));
                Some((
                    format!("not CORS: {} refused the response: {what}", initiator.in_words()),
                    format!("On the server: {fix}."),
                ))
            }
            Check::UnsafeHeader(name) => Some((
                format!("not CORS: {name} is a forbidden request header, which XMLHttpRequest's setRequestHeader() ignores"),
                format!("Stop setting {name} from script: the browser sends it itself (cookies with withCredentials = true), and no server header changes that."),
            )),
            Check::NetworkError(name) => {
                if let Some(e) = name.strip_prefix("net::").and_then(crate::error::NetError::from_chromium_name) {
                    return Some((
                        format!("not CORS: the browser refused the response ({name}: {})", e.reason()),
                        format!("On the server: {}.", e.fix()),
                    ));
                }
                let meaning = network_error_meaning(name);
                Some((
                    format!("not CORS: a network error ({name}{})", meaning.map_or(String::new(), |m| format!(": {m}"))),
                    "The browser got no HTTP answer, so there are no headers to fix: make sure the server runs and answers at that URL (scheme, host, port, a certificate the browser trusts) from the browser's machine, and that no extension blocks the request.".to_owned(),
                ))
            }
            _ => None,
        }
    }
}

/// What a Chromium network error name means, when the template table knows it.
fn network_error_meaning(name: &str) -> Option<&'static str> {
    t::CHROMIUM_UNREACHABLE.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
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
    /// The request's mode (`no-cors`, …), when the messages imply it
    /// beyond what [`Facts::check`] says.
    pub mode: Option<String>,
    /// A forbidden header `setRequestHeader()` ignored (the request went without it).
    pub unsafe_header: Option<String>,
    /// Mixed content let the URL through because the fetch declared a local
    /// `targetAddressSpace` (Chromium's warning): the page's URL.
    pub let_through_by: Option<String>,
    /// The response's MIME type, when a refusal names it.
    pub content_type: Option<String>,
    /// When the paste does not say which browser wrote it (its text is
    /// several browsers' word for word): every browser it could be,
    /// [`Facts::browser`] first, which is assumed. Empty when the paste
    /// says, or the reader was told.
    pub could_be: Vec<Browser>,
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
            // Firefox names no initiator in its CORS line; its font loader's
            // follow-up says the request was a font's.
            // WebKit's closing lines for an image and a classic script say whose request it was.
            let named = match m.kind {
                MessageKind::FirefoxFontFailed => Some(Initiator::Font),
                MessageKind::WebKitImageDenied => Some(Initiator::Img),
                MessageKind::WebKitScriptDenied => Some(Initiator::Script),
                MessageKind::WebKitBeaconDenied => Some(Initiator::Beacon),
                _ => None,
            };
            if let (Some(initiator), None) = (named, &f.initiator) {
                f.initiator = Some(t::chromium_initiator(initiator).to_owned());
            }
            match m.kind {
                MessageKind::Firefox(FirefoxKey::DidNotSucceed) if f.check.is_some() => {
                    firefox_follow_up = true;
                    // Firefox names a failure by the first key it logged: a
                    // security error before it has none.
                    if f.reason.is_none() {
                        f.reason = Some(Reason::Firefox(FirefoxKey::DidNotSucceed));
                    }
                    // After "CORS request not http", the URL that redirected there.
                    if matches!(f.check, Some(Check::SchemeNotSupported)) && f.first_url.is_none() && v.url != f.url {
                        f.first_url = v.url.clone();
                    }
                    // After a check refused a redirect's target, the URL that
                    // redirected there.
                    if matches!(f.check, Some(Check::Blocked(Gate::MixedContent { .. } | Gate::BadPort { .. })))
                        && f.first_url.is_none()
                        && v.url != f.url
                    {
                        f.first_url = v.url.clone();
                    }
                }
                MessageKind::ChromiumFailedStatus if f.check.is_none() => f.readable = true,
                // Not a failure: the fetch went on to Local Network Access.
                MessageKind::Gate(GateMessage::ChromiumMixedContentLetThrough) => {
                    f.let_through_by = v.page.clone();
                    if f.url.is_none() {
                        f.url = v.url.clone();
                    }
                    if f.origin.is_none() {
                        f.origin = v.page.as_deref().and_then(|p| url::Url::parse(p).ok()).map(|p| crate::origin::Origin::of_url(&p).serialize().to_owned());
                    }
                }
                // Not a failure: the request went without the header.
                MessageKind::Refused(Refusal::UnsafeHeader) => {
                    if f.unsafe_header.is_none() {
                        f.unsafe_header = v.hint.clone();
                    }
                    if f.initiator.is_none() {
                        f.initiator = Some(t::chromium_initiator(Initiator::Xhr).to_owned());
                    }
                }
                _ if f.check.is_none() => read_reason(&mut f, m),
                _ => {}
            }
        }
        if f.check.is_some() {
            f.readable = false;
        }
        if let (None, Some(name)) = (&f.check, &f.unsafe_header) {
            f.check = Some(Check::UnsafeHeader(name.clone()));
        }
        // WebKit's fetch() reports a refusal after a redirect inside its
        // redirection envelope; an element's or XMLHttpRequest's loader
        // does not. Their bare "Origin null" is the origin a redirect from
        // another origin tainted, not the page's (a sandboxed page's fetch()
        // is followed by "Fetch API cannot load …").
        let fetch_loader = self.messages.iter().any(|m| {
            m.kind == MessageKind::WebKitAccessControlChecks && m.values.initiator.as_deref() == Some(t::webkit_initiator(Initiator::Fetch))
        });
        if f.browser == Some(Browser::WebKit)
            && f.origin.as_deref() == Some("null")
            && f.reason == Some(Reason::WebKit(WebKitMessage::OriginNotAllowed))
            && !fetch_loader
        {
            f.origin = None;
            f.origin_null = true;
            f.redirected = true;
        }
        // A text several browsers write word for word, and nothing else.
        if let Some(first) = self.messages.first().filter(|_| self.messages.iter().all(|m| !m.also.is_empty())) {
            f.could_be = std::iter::once(first.browser).chain(first.also.iter().copied()).collect();
        }
        // A line that names only where a redirect pointed (WebKit's "Not
        // allowed to load local resource: …") is followed by one naming the
        // URL that redirected: that is the URL that failed.
        if f.url.is_some() && f.url == f.redirected_to && f.first_url.is_none() {
            if let Some(other) = self.messages.iter().filter_map(|m| m.values.url.as_ref()).find(|u| Some(*u) != f.url.as_ref()) {
                f.url = Some(other.clone());
            }
        }
        // WebKit's loader lines for a redirect's target, when the only URL
        // the messages name is that target's own: the page fetched it
        // directly, and the check is the scheme fetch's.
        if f.browser == Some(Browser::WebKit) && f.first_url.is_none() {
            let only = |u: &Option<String>| self.messages.iter().filter_map(|m| m.values.url.as_ref().or(m.values.location.as_ref())).all(|x| Some(x) == u.as_ref());
            match (f.reason, &f.check) {
                (Some(Reason::WebKit(WebKitMessage::LocalResource)), Some(Check::RedirectScheme(_))) if only(&f.url) => {
                    f.redirected_to = None;
                    f.check = Some(Check::Blocked(Gate::Scheme(SchemeError::LocalResource)));
                }
                (Some(Reason::WebKit(WebKitMessage::FtpDisabled)), Some(Check::RedirectScheme(_)))
                    if f.url.as_deref().is_some_and(|u| u.starts_with("ftp:")) =>
                {
                    f.check = Some(Check::Blocked(Gate::Scheme(SchemeError::Unsupported { scheme: "ftp".to_owned() })));
                }
                _ => {}
            }
        }
        // A bad port: the URL names it.
        if let Some(Check::Blocked(Gate::BadPort { port })) = &mut f.check {
            if let Some(p) = f.url.as_deref().and_then(|u| url::Url::parse(u).ok()).and_then(|u| u.port()) {
                *port = p;
            }
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
        // Chromium words a Local Network Access refusal as a CORS error.
        if let (Some(Check::Blocked(gate)), Some(Browser::Chromium)) = (&f.check, f.browser) {
            return gate.chromium_cors_error_name().map(str::to_owned);
        }
        // WebKit names a failure by its first line, a check around CORS too.
        let webkit_name = || {
            // Not its closing lines ("Fetch API cannot load …"), as
            // [`super::reason_name`] words it.
            let closing = [
                MessageKind::Rejection,
                MessageKind::WebKitCannotLoad,
                MessageKind::WebKitAccessControlChecks,
                MessageKind::WebKitImageDenied,
                MessageKind::WebKitScriptDenied,
                MessageKind::WebKitBeaconDenied,
            ];
            let first = self.messages.iter().find(|m| m.browser == Browser::WebKit && !closing.contains(&m.kind))?;
            let mut urls = Vec::new();
            for m in &self.messages {
                let v = &m.values;
                urls.extend([&v.url, &v.first_url, &v.location, &v.redirect_url].into_iter().flatten().cloned());
            }
            Some(super::anonymize(&first.text, &urls, f.origin.as_deref()))
        };
        match f.reason {
            Some(Reason::Chromium(e)) => Some(e.name().to_owned()),
            Some(Reason::Firefox(k)) => Some(k.name().to_owned()),
            Some(Reason::WebKit(_)) => webkit_name(),
            None if matches!(
                (&f.check, f.browser),
                (Some(Check::Blocked(_) | Check::Refused(..) | Check::UnsafeHeader(_)), Some(Browser::WebKit))
            ) =>
            {
                webkit_name()
            }
            None => None,
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
        MessageKind::ChromiumFailedToLoad | MessageKind::ChromiumNetworkLine => {
            f.check = v.net_error.as_deref().and_then(net_error_check);
            if matches!(f.check, Some(Check::Blocked(Gate::CrossOriginResourcePolicy(_)))) {
                f.at_preflight = Some(false);
            }
        }
        MessageKind::Gate(message) => {
            let target = v.address_space.as_deref().and_then(AddressSpace::from_name).unwrap_or(AddressSpace::Loopback);
            // Only Chromium logs these messages.
            let lna = |denial| {
                Gate::LocalNetworkAccess(LnaBlock { denial, client: AddressSpace::Public, target, asked_as: Some(crate::blocked::LnaPermissionUi::Chromium) })
            };
            let gate = match message {
                GateMessage::ChromiumLnaInsecureContext => lna(LnaDenial::InsecureContext),
                GateMessage::ChromiumLnaPermissionDenied => lna(LnaDenial::PermissionDenied { prompted: false }),
                GateMessage::ChromiumLnaAddressSpaceMismatch => {
                    let declared = v.declared_address_space.as_deref().and_then(AddressSpace::from_name).unwrap_or(AddressSpace::Local);
                    lna(LnaDenial::AddressSpaceMismatch { declared })
                }
                // Read with the other lines (it refuses nothing).
                GateMessage::ChromiumMixedContentLetThrough => return,
                GateMessage::ChromiumMixedContent
                | GateMessage::FirefoxMixedContent
                | GateMessage::WebKitMixedContent
                | GateMessage::WebKitMixedContentLoopback => Gate::MixedContent { page: v.page.clone().unwrap_or_default() },
                // The shared text names the URL in its `{location}`.
                GateMessage::ChromiumLocalResource => {
                    f.url = v.location.clone();
                    Gate::Scheme(SchemeError::LocalResource)
                }
                GateMessage::ChromiumSchemeNotSupported => {
                    let scheme = v.url.as_deref().and_then(|u| u.split(':').next()).unwrap_or_default();
                    Gate::Scheme(SchemeError::Unsupported { scheme: scheme.to_owned() })
                }
                GateMessage::WebKitBadPort => Gate::BadPort { port: 0 },
                // Neither line names the policy: `same-origin`, assuming least.
                GateMessage::FirefoxCorp | GateMessage::WebKitCorp => {
                    f.at_preflight = Some(false);
                    // Inside WebKit's redirection envelope: the refused response redirected.
                    if v.location.is_some() {
                        f.redirected_to = v.location.clone();
                    }
                    Gate::CrossOriginResourcePolicy(CorpBlock { policy: ResourcePolicy::SameOrigin, imposed_by: None })
                }
            };
            f.origin = v.origin.clone().or_else(|| {
                let page = url::Url::parse(v.page.as_deref()?).ok()?;
                Some(crate::origin::Origin::of_url(&page).serialize().to_owned())
            });
            f.check = Some(Check::Blocked(gate));
        }
        // "Content at <the page's origin>/ may not load or link to file:…":
        // the page's own fetch of a file, no redirect (Firefox's loader
        // names the page, as for a redirect it names the redirecting URL).
        MessageKind::FirefoxRedirectSecurityError
            if v.location.as_deref().is_some_and(|l| l.starts_with("file:"))
                && v.url.as_deref().and_then(|u| url::Url::parse(u).ok()).is_some_and(|u| u.path() == "/" && u.query().is_none()) =>
        {
            f.origin = v.url.as_deref().map(|u| u.trim_end_matches('/').to_owned());
            f.url = v.location.clone();
            f.at_preflight = Some(false);
            f.check = Some(Check::Blocked(Gate::Scheme(SchemeError::LocalResource)));
        }
        MessageKind::FirefoxRedirectSecurityError => {
            f.redirected_to = v.location.clone();
            f.at_preflight = Some(false);
            f.check = Some(Check::RedirectScheme(v.location.clone()));
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
                FirefoxKey::RequestNotHttp => {
                    f.at_preflight = Some(false);
                    Check::SchemeNotSupported
                }
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
        // A redirect to `blob:` or `file:` reads as the same-origin mode's
        // text when the redirecting URL is a bare origin: the target's
        // scheme tells them apart.
        // (Mode `same-origin` gives the same text for the page's own fetch of
        // `about:`, `ftp:` or `file:`; only a `blob:` URL is read as a redirect
        // there: mode `same-origin` loads the page's own blobs.)
        MessageKind::FirefoxSecurityError if v.url.as_deref().is_some_and(|u| u.starts_with("blob:")) =>
        {
            f.url = v.origin.as_ref().map(|o| format!("{o}/"));
            f.redirected_to = v.url.clone();
            f.at_preflight = Some(false);
            f.check = Some(Check::RedirectScheme(v.url.clone()));
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
                WebKitMessage::FtpDisabled | WebKitMessage::RedirectSchemeNotHttp => Check::RedirectScheme(None),
                WebKitMessage::LocalResource => {
                    f.redirected_to = v.location.clone();
                    Check::RedirectScheme(v.location.clone())
                }
                WebKitMessage::UnparsableResponse => {
                    f.at_preflight = Some(true);
                    Check::UnparsableResponse
                }
                WebKitMessage::OnlyHttp => {
                    f.at_preflight = Some(false);
                    Check::SchemeNotSupported
                }
            });
        }
        // A `data:` URL is fetched in every mode: WebKit cannot load it when
        // it does not decode.
        MessageKind::WebKitCannotLoad if v.url.as_deref().is_some_and(|u| u.starts_with("data:")) => {
            f.check = Some(Check::Blocked(Gate::Scheme(SchemeError::InvalidDataUrl { detail: String::new() })))
        }
        MessageKind::WebKitCannotLoad => f.check = Some(Check::SameOriginMode),
        MessageKind::Refused(refusal) => {
            let mime = hint.filter(|h| !h.is_empty());
            f.content_type = mime.clone();
            let mime = mime.unwrap_or_else(|| "text/plain".to_owned());
            let (initiator, refusal) = match refusal {
                Refusal::UnsafeHeader | Refusal::FontStatus => return,
                Refusal::ScriptNotExecutable => (Initiator::Script, ResourceRefusal::ScriptNotExecutable { mime }),
                // Firefox says it of a stylesheet too.
                Refusal::ScriptStrictMime | Refusal::StrictMime => (Initiator::Script, ResourceRefusal::ScriptStrictMime { mime }),
                Refusal::ModuleMime => (Initiator::ModuleScript, ResourceRefusal::ModuleMime { mime }),
                Refusal::StylesheetMime => (Initiator::Stylesheet, ResourceRefusal::StylesheetMime { mime }),
                Refusal::StylesheetStrictMime => (Initiator::Stylesheet, ResourceRefusal::StylesheetStrictMime { mime }),
            };
            if f.initiator.is_none() {
                f.initiator = Some(t::chromium_initiator(initiator).to_owned());
            }
            f.at_preflight = Some(false);
            f.check = Some(Check::Refused(initiator, refusal));
        }
        MessageKind::ChromiumFailedStatus
        | MessageKind::Rejection
        | MessageKind::WebKitAccessControlChecks
        | MessageKind::FirefoxFontFailed
        | MessageKind::WebKitImageDenied
        | MessageKind::WebKitScriptDenied
        | MessageKind::WebKitBeaconDenied => {}
    }
    if matches!(
        f.check,
        Some(Check::AllowOriginWildcard | Check::AllowCredentials(_))
    ) {
        f.credentials_included = true;
    }
}

/// What a Chromium network error name says failed, when it says more than
/// "a CORS error follows" (`net::ERR_FAILED`).
fn net_error_check(name: &str) -> Option<Check> {
    Some(match name {
        t::CHROMIUM_NET_FAILED => return None,
        t::CHROMIUM_NET_TOO_MANY_REDIRECTS => Check::TooManyRedirects,
        t::CHROMIUM_NET_INVALID_REDIRECT => Check::InvalidRedirect,
        t::CHROMIUM_NET_UNSAFE_REDIRECT => Check::RedirectScheme(None),
        t::CHROMIUM_NET_UNSAFE_PORT => Check::Blocked(Gate::BadPort { port: 0 }),
        t::CHROMIUM_NET_INVALID_URL => Check::Blocked(Gate::Scheme(SchemeError::InvalidDataUrl { detail: String::new() })),
        t::CHROMIUM_NET_FILE_NOT_FOUND => Check::Blocked(Gate::Scheme(SchemeError::BlobUnavailable)),
        other => match t::corp_block_of_net_error(other) {
            Some(block) => Check::Blocked(Gate::CrossOriginResourcePolicy(block)),
            None => Check::NetworkError(other.to_owned()),
        },
    })
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

/// The implied scenario, run: what the browser reports this time.
#[cfg(feature = "serde")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rerun {
    /// The reason, as the recordings name it.
    pub reason_name: Option<String>,
    /// The check around CORS that refused the fetch, if one did.
    pub blocked: Option<Gate>,
    /// The console lines.
    pub console: Vec<String>,
}

#[cfg(feature = "serde")]
impl Facts {
    /// Whether a run of the implied scenario fails as the message says: the
    /// same reason name, and the same check around CORS (or none).
    pub fn reproduced_by(&self, rerun: &Rerun) -> bool {
        let same_gate = match &self.check {
            Some(Check::Blocked(gate)) => rerun.blocked.as_ref().is_some_and(|b| b.name() == gate.name()),
            _ => rerun.blocked.is_none(),
        };
        rerun.reason_name == self.reason_name && same_gate
    }
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

    use super::{Check, Facts, FirefoxKey, Implied, Unknown, WebKitMessage};
    use crate::blocked::{Gate, LnaBlock, LnaDenial};
    use crate::method;
    use crate::request::Initiator;
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

    /// The scenario's `page` object a refusal needs (FORMAT.md § page).
    fn page_context(
        gate: &Gate,
        target: &Url,
        assume: &mut dyn FnMut(&str, String),
    ) -> serde_json::Map<String, Value> {
        let mut page = serde_json::Map::new();
        match gate {
            Gate::MixedContent { page: url } => {
                let url = if url.is_empty() { "https://page.example/" } else { url.as_str() };
                page.insert("url".to_owned(), json!(url));
            }
            Gate::LocalNetworkAccess(block) => {
                assume("the page's address space", block.client.name().to_owned());
                page.insert("address_space".to_owned(), json!(block.client.name()));
                let secure = block.denial != LnaDenial::InsecureContext;
                page.insert("secure_context".to_owned(), json!(secure));
                if secure {
                    assume(
                        "the Local Network Access permission",
                        "denied (the user refused, or was never asked: headless Chromium denies at once)".to_owned(),
                    );
                    page.insert("local_network_access".to_owned(), json!("denied"));
                }
                if let Some(host) = target.host_str() {
                    page.insert("address_spaces".to_owned(), json!({ host: block.target.name() }));
                }
            }
            Gate::CrossOriginResourcePolicy(block) => {
                if let Some(coep) = block.imposed_by {
                    page.insert("coep".to_owned(), json!(coep.to_string()));
                }
            }
            Gate::BadPort { .. } | Gate::Scheme(_) | Gate::OpaqueResponseBlocking(_) => {}
        }
        page
    }

    impl Facts {
        /// A redirect to another scheme refused without a CORS message:
        /// it came from a URL of the page's origin. Firefox logs "CORS
        /// request did not succeed" after it only under CORS (and its "CORS
        /// request not http" alone is no CORS failure); WebKit's CORS refusal
        /// is "Cross-origin redirection … denied", any other line is its
        /// loader's, which refuses such redirects before CORS.
        fn refused_before_cors(&self) -> bool {
            matches!(self.check, Some(Check::RedirectScheme(_) | Check::SchemeNotSupported))
                && match (self.browser, self.reason) {
                    (Some(Browser::Firefox), None) => true,
                    (Some(Browser::Firefox), Some(super::Reason::Firefox(FirefoxKey::RequestNotHttp))) => self.first_url.is_none(),
                    (Some(Browser::WebKit), Some(super::Reason::WebKit(m))) => {
                        !matches!(m, WebKitMessage::NonCorsScheme | WebKitMessage::OnlyHttp)
                    }
                    _ => false,
                }
        }

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
            // "Not http" (and a loader line naming a URL that is not
            // HTTP(S)) names the URL a redirect led to: the scenario is the
            // redirect there, from the URL the messages name (or one assumed).
            // (WebKit's "only supported for HTTP" is said of the URL fetched.)
            let webkit_direct = matches!(self.reason, Some(super::Reason::WebKit(WebKitMessage::OnlyHttp)));
            if let (Some(Check::SchemeNotSupported | Check::RedirectScheme(_)), Some(target), false) = (&self.check, &self.url, webkit_direct) {
                let scheme = target.split(':').next().unwrap_or_default();
                let http = matches!(scheme, "http" | "https");
                let page_opened_from_file = scheme == "file" && self.first_url.is_none() && matches!(self.check, Some(Check::SchemeNotSupported));
                if !http && !page_opened_from_file {
                    let before_cors = self.refused_before_cors();
                    let redirector = match (&self.first_url, &self.origin) {
                        (Some(first), _) => first.clone(),
                        (None, Some(o)) if before_cors => format!("{o}/redirect"),
                        (None, None) if before_cors => "https://page.example/redirect".to_owned(),
                        (None, _) => "https://redirector.example/".to_owned(),
                    };
                    let mut redirected = self.clone();
                    redirected.check = Some(Check::RedirectScheme(Some(target.clone())));
                    redirected.redirected_to = Some(target.clone());
                    redirected.url = Some(redirector.clone());
                    redirected.first_url = None;
                    if before_cors && self.browser == Some(Browser::Firefox) {
                        redirected.reason = None;
                    }
                    // WebKit's loader names the target it refused itself
                    // ("Fetch API cannot load data:…") only for a no-cors
                    // fetch (recorded: the WPT redirect-to-data cases).
                    if before_cors && self.browser == Some(Browser::WebKit) && redirected.mode.is_none() {
                        redirected.mode = Some("no-cors".to_owned());
                    }
                    let mut implied = redirected.scenario()?;
                    if redirected.mode != self.mode {
                        implied.unknown.insert(0, Unknown { fact: "the request's mode".to_owned(), assumed: "'no-cors'".to_owned() });
                    }
                    if self.first_url.is_none() {
                        implied.unknown.insert(0, Unknown { fact: format!("the URL that redirected to {target}"), assumed: redirector });
                    }
                    return Ok(implied);
                }
            }
            let mut unknown = Vec::new();
            let mut assume = |fact: &str, assumed: String| {
                unknown.push(Unknown {
                    fact: fact.to_owned(),
                    assumed,
                })
            };
            // Messages that name no URL (WebKit's lines about an answer's
            // headers, its module script line, "Refused to set unsafe header
            // …", Chromium's "Failed to load resource: net::…") say the same
            // of any: one is assumed. Not when the check is the URL's own (a
            // bad port, a `data:` or `blob:` URL).
            let any_url = !matches!(self.check, Some(Check::Blocked(_)));
            let failing_url = match &self.url {
                Some(url) => url.clone(),
                None if any_url => {
                    let url = "https://resource.example/r".to_owned();
                    assume("the URL (the message names none)", url.clone());
                    url
                }
                None => return Err("the message names no URL; paste the whole message".to_owned()),
            };
            let failing = Url::parse(&failing_url)
                .map_err(|e| format!("'{failing_url}' is not a URL ({e})"))?;
            let gate = match &self.check {
                Some(Check::Blocked(gate)) => Some(gate),
                _ => None,
            };
            let same_origin_redirect = self.refused_before_cors();
            // WebKit calls a redirect target a local resource only for a
            // request not under CORS: one of the page's own origin.
            let own_origin = matches!(self.reason, Some(super::Reason::WebKit(super::WebKitMessage::LocalResource)));
            // An element's own refusal is said of a response from the page's
            // origin too (Firefox's "CORS request did not succeed" after it
            // says the response was a CORS one, from another origin).
            let refused_same_origin = match &self.check {
                Some(Check::Refused(..)) => self.reason != Some(super::Reason::Firefox(FirefoxKey::DidNotSucceed)),
                Some(Check::UnsafeHeader(_)) => true,
                _ => false,
            };
            let origin = match (&self.origin, gate) {
                (Some(o), _) => o.clone(),
                (None, _) if refused_same_origin => {
                    let o = Origin::of_url(&failing).serialize().to_owned();
                    assume("the page's origin", format!("{o} (the URL's own: the refusal is no CORS one)"));
                    o
                }
                (None, _) if same_origin_redirect || own_origin => {
                    let o = Origin::of_url(&failing).serialize().to_owned();
                    assume("the page's origin (the browser logged no CORS failure, so the redirecting URL was the page's own)", o.clone());
                    o
                }
                // Mixed content: an https: page.
                (None, Some(Gate::MixedContent { .. })) => {
                    assume("the page's URL", "https://page.example/".to_owned());
                    "https://page.example".to_owned()
                }
                (None, _) => {
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
            let initiator = match &self.check {
                Some(Check::Refused(element, _)) => Some(*element),
                _ => self.initiator.as_deref().and_then(crate::console::templates::initiator_named),
            };
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
                    Some(_) if matches!(gate, Some(Gate::CrossOriginResourcePolicy(_))) => {
                        "yes: no crossorigin attribute (a no-cors request, credentials included)"
                    }
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
                (_, Some(Initiator::Script)) if !matches!(self.check, Some(Check::Refused(..))) => assume(
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
                // A value that makes the header CORS-unsafe: the one that
                // forces most preflights for `Content-Type`; otherwise `1`,
                // quoted for a header that `1` leaves safelisted (`Accept`,
                // `Content-Language`: a `"` is a CORS-unsafe byte in every
                // safelisted header).
                let value = if h.eq_ignore_ascii_case("content-type") {
                    "application/json"
                } else if crate::request_header::is_cors_safelisted(self.browser.unwrap_or(Browser::Chromium).profile(), h.as_bytes(), b"1") {
                    "\"1\""
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
                && gate.is_none()
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
            let mut mode = self.mode.as_deref().unwrap_or("cors");
            let mut redirect = "follow";
            if let Some(Gate::CrossOriginResourcePolicy(_)) = gate {
                assume("the request's mode", "'no-cors' (the only mode whose responses the Cross-Origin-Resource-Policy check judges)".to_owned());
                mode = "no-cors";
            }
            // WebKit's loader refuses a file: or ftp: URL itself only in
            // mode no-cors (a cors fetch is refused as not HTTP first).
            if let (Some(Gate::Scheme(_)), Some(Browser::WebKit)) = (gate, self.browser) {
                assume("the request's mode", "'no-cors' (WebKit says this of a no-cors fetch only)".to_owned());
                mode = "no-cors";
            }
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
            // Where the answer that failed came from.
            let mut answered_url = failing_url.clone();
            if let Some(first) = &self.first_url {
                request_url = first.clone();
                assume("the status of the redirect", "302".to_owned());
                redirect_to(first, &failing_url, &mut server);
            } else if self.origin_null && self.origin.is_none() && initiator == Some(Initiator::Img) {
                // WebKit's image line names the URL the element asked for: it
                // redirected to a third origin, which made the request's origin `null`.
                let to = if failing.host_str() == Some("redirected.example") { "https://redirected2.example/" } else { "https://redirected.example/" };
                assume("where the image's URL redirected (another origin, which made the request's origin 'null')", to.to_owned());
                redirect_to(&failing_url, to, &mut server);
                answered_url = to.to_owned();
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
                Some(Check::NetworkError(name)) => {
                    return Err(format!(
                        "{name} is not CORS, and the message does not say what the server sent, if anything (corsim's scripted servers always answer)"
                    ))
                }
                // fetch() answers that URL itself: no server to script.
                Some(Check::Blocked(Gate::Scheme(_))) => {}
                Some(Check::Blocked(Gate::CrossOriginResourcePolicy(block))) => {
                    if block.imposed_by.is_none() {
                        failed.set("Cross-Origin-Resource-Policy", Some(&block.policy.to_string()));
                    } else {
                        assume("the response's Cross-Origin-Resource-Policy", "none".to_owned());
                    }
                }
                // Refused before anything was sent: the answers do not matter.
                Some(Check::Blocked(_)) => {}
                None | Some(Check::DidNotSucceed) => {
                    return Err("the message names no reason corsim can reproduce".to_owned())
                }
                // fetch() refuses the URL itself: no server to script.
                Some(Check::SchemeNotSupported) if webkit_direct => {}
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
                Some(Check::Refused(_, refusal)) => {
                    use crate::response::ResourceRefusal as R;
                    let (mime, nosniff) = match refusal {
                        R::ScriptStrictMime { mime } | R::StylesheetStrictMime { mime } => (mime, true),
                        R::ScriptNotExecutable { mime } | R::ModuleMime { mime } | R::StylesheetMime { mime } | R::UndecodableImage { mime } => (mime, false),
                        R::OpaqueResponseBlocked { mime, .. } => (mime, false),
                        R::ErrorStatus { .. } => (&String::new(), false),
                    };
                    if !mime.is_empty() {
                        if self.content_type.is_none() {
                            assume("the response's Content-Type", mime.clone());
                        }
                        failed.set("Content-Type", Some(mime));
                    }
                    if nosniff {
                        failed.set("X-Content-Type-Options", Some("nosniff"));
                    }
                }
                Some(Check::UnsafeHeader(_)) => {}
                Some(Check::UnparsableResponse) => {
                    assume("what the HTTP parser refused", "a NUL byte in a header: X-Odd: a\\0b".to_owned());
                    failed.set("X-Odd", Some("a\u{0}b"));
                }
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
                        // Chromium leaves the value out of its message. The
                        // target is of another origin than the page's (a
                        // same-origin one is no CORS error).
                        let mut with = failing.clone();
                        if Origin::of_url(&failing).serialize() == origin {
                            let _ = with.set_host(Some("elsewhere.example"));
                        }
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
                    // WebKit's loader names every refused target but an ftp:
                    // one ("FTP URLs are disabled").
                    let unnamed = if same_origin_redirect && self.browser == Some(Browser::WebKit) {
                        "ftp://files.example/x"
                    } else {
                        "data:text/plain,hi"
                    };
                    let to = to.clone().unwrap_or_else(|| {
                        // WebKit's "FTP URLs are disabled" names no URL but its scheme.
                        let ftp = matches!(self.reason, Some(super::Reason::WebKit(super::WebKitMessage::FtpDisabled)));
                        let to = if ftp { "ftp://ftp.example/" } else { unnamed };
                        assume("where the redirect pointed", to.to_owned());
                        to.to_owned()
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
            let sent = !webkit_direct && !matches!(gate, Some(g) if !matches!(g, Gate::CrossOriginResourcePolicy(_)));
            if status_given.is_none()
                && sent
                && !matches!(self.check, Some(Check::PreflightStatus))
                && failed.status < 300
                && !matches!(self.check, Some(Check::UnsafeHeader(_)))
            {
                assume("the status of the answer that failed", failed.status.to_string());
            }
            let scheme_fetched = matches!(gate, Some(Gate::Scheme(_))) || webkit_direct;
            let mut no_entry = json!({});
            let entry = if scheme_fetched {
                &mut no_entry
            } else {
                server.entry(answered_url.clone()).or_insert_with(|| json!({}))
            };
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
            // Script set it; XMLHttpRequest dropped it, and said so.
            let mut set = headers.clone();
            if let (Some(h), Some(Initiator::Xhr)) = (&self.unsafe_header, initiator) {
                set.push((h.clone(), "1".to_owned()));
            }
            let mut request = match initiator {
                Some(Initiator::Xhr) => json!({
                    "initiator": "xhr",
                    "url": request_url,
                    "method": method_name,
                    "headers": set,
                    "credentials": credentials,
                }),
                Some(Initiator::Font) => json!({ "initiator": "font", "url": request_url }),
                // A no-cors response refused by its CORP: the element had
                // no crossorigin attribute.
                Some(element) if matches!(gate, Some(Gate::CrossOriginResourcePolicy(_))) => json!({
                    "initiator": element.name(),
                    "url": request_url,
                }),
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
            // The space fetch() declared: the one a mismatch names, or the
            // target's own when mixed content let the URL through (Chromium
            // warned so, or an https: page reached an insecure URL at all:
            // only that option gets it past mixed content).
            let insecure_from_https = origin.starts_with("https:")
                && !crate::secure_context::is_url_potentially_trustworthy(&failing);
            let declared = match gate {
                Some(Gate::LocalNetworkAccess(LnaBlock { denial: LnaDenial::AddressSpaceMismatch { declared }, .. })) => Some(*declared),
                Some(Gate::LocalNetworkAccess(block)) if self.let_through_by.is_some() || insecure_from_https => Some(block.target),
                _ => None,
            };
            if let (Some(space), Some(request)) = (declared, request.as_object_mut()) {
                request.insert("target_address_space".to_owned(), json!(space.name()));
            }
            let page = gate.map(|g| page_context(g, &failing, &mut assume)).unwrap_or_default();
            let mut line = json!({
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
            if !page.is_empty() {
                line["page"] = Value::Object(page);
            }
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
            Some(Check::Blocked(gate)) => {
                let url = self.url.as_deref().unwrap_or("the URL");
                Some(format!("{gate}: {}.", gate.reason(url)))
            }
            Some(c @ Check::NetworkError(_)) => c.not_cors().map(|(what, _)| format!("{what}. No CORS check ran.")),
            Some(c @ Check::Refused(..)) => c.not_cors().map(|(what, _)| format!("{what}. The fetch itself succeeded.")),
            Some(c @ Check::UnsafeHeader(_)) => c.not_cors().map(|(what, _)| format!("{what}: the request was sent without it.")),
            Some(Check::UnparsableResponse) => Some(
                "The browser's HTTP stack could not parse the answer (a NUL byte in a header line, say), so it failed before any CORS check; no CORS header helps."
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
        if matches!(self.check, Some(Check::UnsafeHeader(_))) {
            // Not a failure: the story so far says so.
        } else if self.readable {
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
    /// When the message is about no CORS check: which check refused the
    /// fetch, and its fix (never a CORS header).
    pub not_cors: Option<NotCors>,
}

/// A refusal that is not CORS, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct NotCors {
    /// "not CORS: mixed content", …
    pub check: String,
    /// What to change.
    pub fix: String,
}

impl NotCors {
    /// The check that refused a fetch that failed with `failure`, when it
    /// is not CORS (a check around CORS, [`Failure::refusing_gate`], or a
    /// response the browser refused before any CORS check), in the words a
    /// pasted message gets ([`Check::not_cors`]).
    ///
    /// [`Failure::refusing_gate`]: crate::verdict::Failure::refusing_gate
    ///
    /// ```
    /// use corsim::console::facts::NotCors;
    /// use corsim::{fetch::run, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
    /// let v = run(&Profile::CHROMIUM, Origin::parse("http://app.example").unwrap(),
    ///     &RequestInit::get("http://api.example:6000/"), &mut PreflightCache::new(), Timestamp::ZERO,
    ///     |_| HttpResponse::new(200));
    /// let not_cors = NotCors::of(&v.outcome.unwrap_err()).unwrap();
    /// assert_eq!(not_cors.check, "not CORS: a blocked port");
    /// ```
    pub fn of(failure: &crate::verdict::Failure) -> Option<NotCors> {
        let check = match (&failure.kind, failure.refusing_gate()) {
            (_, Some(gate)) => Check::Blocked(gate),
            (crate::error::FailureKind::Net(refused), None) => Check::NetworkError(format!("net::{}", refused.chromium_name())),
            _ => return None,
        };
        check.not_cors().map(|(check, fix)| NotCors { check, fix })
    }
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
        let not_cors = facts.check.as_ref().and_then(Check::not_cors).map(|(check, fix)| NotCors { check, fix });
        MessageReport {
            messages: reading.messages.clone(),
            unrecognized: reading.unrecognized.clone(),
            story: facts.story(),
            facts,
            scenario,
            unknown,
            why_no_scenario,
            not_cors,
        }
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;
    use crate::console::parse::Parser;
    use crate::console::templates::{fill, Slot, CHROMIUM_NETWORK_LINE};

    /// The refusals Chromium shows only as a network error name (a bad
    /// port, `Cross-Origin-Resource-Policy`), pasted as DevTools' network
    /// line: the URL, the check, and a scenario the same check refuses.
    #[test]
    fn network_lines_of_refusals_read_back() {
        let parser = Parser::new();
        for (url, net_error, check) in [
            ("http://api.example:6000/x", "net::ERR_UNSAFE_PORT", "bad-port"),
            ("https://cdn.example/a.png", "net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin", "cross-origin-resource-policy"),
            ("https://cdn.example/a.png", "net::ERR_BLOCKED_BY_RESPONSE.NotSameSite", "cross-origin-resource-policy"),
            (
                "https://cdn.example/a.png",
                "net::ERR_BLOCKED_BY_RESPONSE.NotSameOriginAfterDefaultedToSameOriginByCoep",
                "cross-origin-resource-policy",
            ),
        ] {
            let text = fill(CHROMIUM_NETWORK_LINE, &[(Slot::Method, "GET"), (Slot::Url, url), (Slot::NetError, net_error)]);
            let facts = parser.read(&format!("{text}\nUncaught (in promise) TypeError: Failed to fetch")).facts();
            assert_eq!(facts.url.as_deref(), Some(url));
            let Some(Check::Blocked(gate)) = &facts.check else { panic!("{text}: {facts:?}") };
            assert_eq!(gate.name(), check);
            let implied = facts.scenario().unwrap();
            let rerun = implied.rerun(None).unwrap();
            assert!(facts.reproduced_by(&rerun), "{text}\n{}\n{rerun:?}", implied.line);
            if let Gate::BadPort { port } = gate {
                assert_eq!(*port, 6000);
                assert_eq!(rerun.blocked, Some(gate.clone()));
            }
        }
    }

    /// A network error names no check: not CORS, no scenario, and the fix
    /// is never a header.
    #[test]
    fn network_errors_are_not_cors() {
        for text in [
            "Failed to load resource: net::ERR_CONNECTION_REFUSED",
            "GET http://localhost:8080/api net::ERR_CONNECTION_REFUSED",
            "Failed to load resource: net::ERR_BLOCKED_BY_CLIENT",
            "Failed to load resource: net::ERR_INVALID_HTTP_RESPONSE",
        ] {
            let reading = crate::console::parse(text);
            let facts = reading.facts();
            assert!(matches!(facts.check, Some(Check::NetworkError(_))), "{text}: {facts:?}");
            let report = MessageReport::new(&reading, facts);
            let not_cors = report.not_cors.unwrap();
            assert!(not_cors.check.starts_with("not CORS: "), "{}", not_cors.check);
            assert!(!not_cors.fix.contains("Access-Control-"), "{}", not_cors.fix);
            assert!(report.scenario.is_none());
        }
    }
}
