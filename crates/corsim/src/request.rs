//! Requests as `fetch()` builds them (Fetch § "Requests", § "Request class").

use std::fmt;

use url::Url;

use crate::error::TypeErrorKind;
use crate::header_list::{is_header_value, is_token, isomorphic_decode, isomorphic_encode, normalize_value, HeaderList};
use crate::method;
use crate::profile::Profile;
use crate::request_header;
use crate::url_parser::UrlParser;

/// A request's mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Mode {
    /// `cors`, `fetch()`'s default.
    #[default]
    Cors,
    /// `no-cors`: an opaque response for cross-origin URLs.
    NoCors,
    /// `same-origin`: cross-origin URLs fail.
    SameOrigin,
}

/// A request's credentials mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum CredentialsMode {
    /// `omit`: never send cookies.
    Omit,
    /// `same-origin`, `fetch()`'s default: cookies for same-origin URLs only.
    #[default]
    SameOrigin,
    /// `include`: cookies always; the response must opt in with
    /// `Access-Control-Allow-Credentials: true` and an explicit origin.
    Include,
}

/// A request's redirect mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum RedirectMode {
    /// `follow`, the default.
    #[default]
    Follow,
    /// `error`: a redirect is a network error.
    Error,
    /// `manual`: a redirect gives an `opaqueredirect` response.
    Manual,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Cors => "cors",
            Mode::NoCors => "no-cors",
            Mode::SameOrigin => "same-origin",
        })
    }
}

impl fmt::Display for CredentialsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialsMode::Omit => "omit",
            CredentialsMode::SameOrigin => "same-origin",
            CredentialsMode::Include => "include",
        })
    }
}

impl fmt::Display for RedirectMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RedirectMode::Follow => "follow",
            RedirectMode::Error => "error",
            RedirectMode::Manual => "manual",
        })
    }
}

/// The arguments of a `fetch(url, init)` call, before `fetch()` checks them.
///
/// Header names and values are strings whose characters stand for bytes
/// (U+0000–U+00FF), as in JavaScript's `ByteString`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestInit {
    /// The URL, absolute.
    pub url: String,
    /// The method as script wrote it (`"get"`, `"PATCH"`); empty means `GET`.
    pub method: String,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The mode.
    pub mode: Mode,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// The redirect mode.
    pub redirect: RedirectMode,
    /// What makes the request ([`Initiator::Fetch`] by default). For other
    /// initiators `mode` and `redirect` are not read, and `credentials` only
    /// by XHR (`include` is `withCredentials = true`); see
    /// [`RequestInit::effective_modes`].
    pub initiator: Initiator,
    /// An element's `crossorigin` attribute (`None`: no attribute).
    pub crossorigin: Option<CrossOrigin>,
    /// `fetch(url, {keepalive: true})` (a beacon is always keepalive).
    pub keepalive: bool,
    /// XHR: a listener on `xhr.upload` before `send()`.
    pub upload_listener: bool,
    /// The body, one character per byte (`fetch`, `xhr`, `beacon`).
    pub body: Option<String>,
    /// A font's `@font-face` `font-family` (Firefox names it in its console).
    pub font_family: Option<String>,
    /// `fetch(url, {targetAddressSpace})` (Local Network Access § "Integration
    /// with Fetch"): the address space the page declares the target is in.
    /// Where the browser reads it, `local` or `loopback` lets an `http:` URL
    /// pass mixed content, and a target in another space fails the fetch.
    pub target_address_space: Option<crate::local_network_access::AddressSpace>,
}

impl RequestInit {
    /// A `GET` with default options.
    pub fn get(url: impl Into<String>) -> Self {
        RequestInit { url: url.into(), method: "GET".into(), ..Default::default() }
    }

    /// This request with another method.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = method.into();
        self
    }

    /// This request with one more header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// This request with another mode.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// This request with another credentials mode.
    pub fn credentials(mut self, credentials: CredentialsMode) -> Self {
        self.credentials = credentials;
        self
    }

    /// This request with another redirect mode.
    pub fn redirect(mut self, redirect: RedirectMode) -> Self {
        self.redirect = redirect;
        self
    }
}

/// Why a header given to `fetch()` is not sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum DroppedBecause {
    /// A forbidden request-header.
    Forbidden,
    /// Not a no-CORS-safelisted request-header, in `no-cors` mode.
    NoCors,
}

/// A header `fetch()` silently dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct DroppedHeader {
    /// Its name, as given.
    pub name: String,
    /// Why.
    pub because: DroppedBecause,
}

/// A request after `fetch()` accepted it: method normalized, forbidden
/// headers dropped, same-named headers combined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The URL.
    pub url: Url,
    /// The normalized method.
    pub method: String,
    /// The headers the browser will send, combined.
    pub headers: HeaderList,
    /// The mode.
    pub mode: Mode,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// The redirect mode.
    pub redirect: RedirectMode,
    /// Headers `fetch()` dropped, and why.
    pub dropped: Vec<DroppedHeader>,
    /// What made the request.
    pub initiator: Initiator,
    /// The use-CORS-preflight flag: a preflight even for a simple request
    /// (set by XHR for a request with upload listeners, XHR § `send()`).
    pub use_cors_preflight: bool,
    /// The keepalive flag.
    pub keepalive: bool,
    /// The address space `fetch()`'s `targetAddressSpace` option declared,
    /// when the browser reads that option (`None` otherwise: a browser
    /// ignores a dictionary member it does not know).
    pub target_address_space: Option<crate::local_network_access::AddressSpace>,
}

impl Request {
    /// Run `fetch()`'s checks (Fetch § "Request class", the constructor): a
    /// `TypeError` for what `fetch()` rejects (the promise rejects before
    /// anything is sent).
    ///
    /// ```
    /// use corsim::{Profile, Request, RequestInit};
    /// let init = RequestInit::get("https://api.example/x").method("put").header("Cookie", "a=b");
    /// let req = Request::new(&Profile::CHROMIUM, &init).unwrap();
    /// assert_eq!(req.method, "PUT");
    /// assert!(req.headers.is_empty(), "Cookie is forbidden and dropped");
    /// assert!(Request::new(&Profile::CHROMIUM, &init.method("TRACE")).is_err());
    /// ```
    pub fn new(profile: &Profile, init: &RequestInit) -> Result<Request, TypeErrorKind> {
        Request::with_url(profile, init, Url::parse(&init.url))
    }

    /// [`Request::new`], its URL parsed by `urls` (which may remember its host
    /// from an earlier URL: the same result, faster).
    pub fn with_parser(profile: &Profile, init: &RequestInit, urls: &mut UrlParser) -> Result<Request, TypeErrorKind> {
        Request::with_url(profile, init, urls.parse(&init.url))
    }

    /// [`Request::new`] with `init.url` parsed as `url`.
    fn with_url(profile: &Profile, init: &RequestInit, url: Result<Url, url::ParseError>) -> Result<Request, TypeErrorKind> {
        // The URL: parsed, and without credentials.
        let url = url.map_err(|_| TypeErrorKind::InvalidUrl(init.url.clone()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TypeErrorKind::UrlHasCredentials(init.url.clone()));
        }
        // The method: a token, not forbidden, then normalized.
        // An element always GETs and sets no header; a beacon always POSTs,
        // with at most its data's Content-Type.
        let raw_method = match init.initiator {
            i if i.is_element() => "GET",
            Initiator::Beacon => "POST",
            _ if init.method.is_empty() => "GET",
            _ => init.method.as_str(),
        };
        let given_headers = init.headers.iter().filter(|(name, _)| match init.initiator {
            i if i.is_element() => false,
            Initiator::Beacon => name.eq_ignore_ascii_case("content-type"),
            _ => true,
        });
        if !method::is_method(raw_method) {
            return Err(TypeErrorKind::InvalidMethod(raw_method.to_owned()));
        }
        if method::is_forbidden(raw_method.as_bytes()) {
            return Err(TypeErrorKind::ForbiddenMethod(raw_method.to_owned()));
        }
        let method = method::normalize(raw_method);
        // The initiator fixes the mode, the credentials mode and the
        // redirect mode of every request but fetch()'s.
        let (mode, credentials) = init.effective_modes_in(profile);
        let redirect = if init.initiator == Initiator::Fetch { init.redirect } else { RedirectMode::Follow };
        if mode == Mode::NoCors && !method::is_cors_safelisted(&method) {
            return Err(TypeErrorKind::NoCorsMethod(raw_method.to_owned()));
        }
        // The headers, through a Headers object with guard "request" (or
        // "request-no-cors").
        let given_bytes = init.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        let mut list = HeaderList::with_capacity(init.headers.len(), given_bytes);
        let mut dropped = Vec::new();
        // `no-cors`: each name's value so far, combined, as the guard sees it.
        let mut no_cors_values: std::collections::HashMap<Vec<u8>, Vec<u8>> = std::collections::HashMap::new();
        for (name, value) in given_headers {
            let name_bytes = crate::header_list::isomorphic_encode_borrowed(name)
                .ok_or_else(|| TypeErrorKind::InvalidHeaderName(name.clone()))?;
            if !is_token(&name_bytes) {
                return Err(TypeErrorKind::InvalidHeaderName(name.clone()));
            }
            let encoded_value = crate::header_list::isomorphic_encode_borrowed(value)
                .ok_or_else(|| TypeErrorKind::InvalidHeaderValue(value.clone()))?;
            let value_bytes = normalize_value(&encoded_value);
            if !is_header_value(value_bytes) {
                return Err(TypeErrorKind::InvalidHeaderValue(value.clone()));
            }
            if request_header::is_forbidden(profile, &name_bytes, value_bytes) {
                dropped.push(DroppedHeader { name: name.clone(), because: DroppedBecause::Forbidden });
                continue;
            }
            if mode == Mode::NoCors {
                // The guard checks the value the header would have once combined.
                let so_far = no_cors_values.get(&name_bytes.to_ascii_lowercase());
                let combined = match so_far {
                    Some(existing) => {
                        let mut joined = existing.clone();
                        joined.extend_from_slice(b", ");
                        joined.extend_from_slice(value_bytes);
                        joined
                    }
                    None => value_bytes.to_vec(),
                };
                if !request_header::is_no_cors_safelisted(profile, &name_bytes, &combined) {
                    dropped.push(DroppedHeader { name: name.clone(), because: DroppedBecause::NoCors });
                    continue;
                }
                no_cors_values.insert(name_bytes.to_ascii_lowercase(), combined);
            }
            list.append(name_bytes, value_bytes);
        }
        let has_body = init.body.is_some() && method != "GET" && method != "HEAD";
        Ok(Request {
            url,
            method,
            headers: if profile.combine_request_headers && list.has_duplicate_names() { list.combined() } else { list },
            mode,
            credentials,
            redirect,
            dropped,
            initiator: init.initiator,
            // XHR § send(): "use-CORS-preflight flag is set if this's upload
            // listener flag is set".
            use_cors_preflight: init.initiator == Initiator::Xhr
                && init.upload_listener
                && (!profile.initiators.upload_listener_needs_body
                    || has_body),
            keepalive: init.keepalive || init.initiator == Initiator::Beacon,
            target_address_space: match init.initiator {
                Initiator::Fetch if profile.gates.local_network_access.target_address_space_option => init.target_address_space,
                _ => None,
            },
        })
    }

    /// The header names as given, for messages.
    pub fn header_names(&self) -> Vec<String> {
        self.headers.iter().map(|h| isomorphic_decode(h.name)).collect()
    }
}

/// A request as it goes on the wire: what the server sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: String,
    /// The URL.
    pub url: Url,
    /// The headers corsim models: the page's own headers, `Origin`, and the
    /// `Access-Control-Request-*` headers, in the order the browser sends them.
    pub headers: HeaderList,
    /// Whether this is a CORS preflight.
    pub is_preflight: bool,
}

// ------------------------------------------------------------ initiators

/// What makes a request (FORMAT.md, `initiator`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Initiator {
    /// `fetch()`.
    #[default]
    Fetch,
    /// `XMLHttpRequest` (always async).
    Xhr,
    /// `<img src>`.
    Img,
    /// A classic `<script src>`.
    Script,
    /// `<script type=module src>`.
    ModuleScript,
    /// `<link rel=stylesheet href>`.
    Stylesheet,
    /// An `@font-face` rule's `src`, loaded with `document.fonts.load`.
    Font,
    /// `navigator.sendBeacon(url, data)`.
    Beacon,
}

impl Initiator {
    /// Every initiator.
    pub const ALL: [Initiator; 8] = [
        Initiator::Fetch,
        Initiator::Xhr,
        Initiator::Img,
        Initiator::Script,
        Initiator::ModuleScript,
        Initiator::Stylesheet,
        Initiator::Font,
        Initiator::Beacon,
    ];

    /// The name FORMAT.md gives it (`"module-script"`).
    pub fn name(self) -> &'static str {
        match self {
            Initiator::Fetch => "fetch",
            Initiator::Xhr => "xhr",
            Initiator::Img => "img",
            Initiator::Script => "script",
            Initiator::ModuleScript => "module-script",
            Initiator::Stylesheet => "stylesheet",
            Initiator::Font => "font",
            Initiator::Beacon => "beacon",
        }
    }

    /// The initiator FORMAT.md names `name`.
    ///
    /// ```
    /// use corsim::request::Initiator;
    /// assert_eq!(Initiator::from_name("module-script"), Some(Initiator::ModuleScript));
    /// assert_eq!(Initiator::from_name("iframe"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Initiator> {
        Initiator::ALL.into_iter().find(|i| i.name() == name)
    }

    /// Whether an element makes the request (the page sees only its `load`
    /// or `error` event).
    pub fn is_element(self) -> bool {
        matches!(
            self,
            Initiator::Img | Initiator::Script | Initiator::ModuleScript | Initiator::Stylesheet | Initiator::Font
        )
    }

    /// Whether the element takes a `crossorigin` attribute (a font has none:
    /// it is always fetched with CORS).
    pub fn takes_crossorigin(self) -> bool {
        matches!(self, Initiator::Img | Initiator::Script | Initiator::ModuleScript | Initiator::Stylesheet)
    }

    /// How script writes it, for explanations: `fetch()`, `XMLHttpRequest`,
    /// `<img>`, …
    pub fn in_words(self) -> &'static str {
        match self {
            Initiator::Fetch => "fetch()",
            Initiator::Xhr => "XMLHttpRequest",
            Initiator::Img => "<img>",
            Initiator::Script => "<script>",
            Initiator::ModuleScript => "<script type=module>",
            Initiator::Stylesheet => "<link rel=stylesheet>",
            Initiator::Font => "@font-face",
            Initiator::Beacon => "navigator.sendBeacon()",
        }
    }
}

impl fmt::Display for Initiator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A CORS settings attribute's state (HTML § "CORS settings attributes"):
/// the `crossorigin` attribute's value; no attribute is `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum CrossOrigin {
    /// `crossorigin` or `crossorigin="anonymous"`: CORS, credentials for
    /// same-origin URLs only.
    Anonymous,
    /// `crossorigin="use-credentials"`: CORS, credentials always.
    UseCredentials,
}

impl CrossOrigin {
    /// The attribute's value.
    pub fn name(self) -> &'static str {
        match self {
            CrossOrigin::Anonymous => "anonymous",
            CrossOrigin::UseCredentials => "use-credentials",
        }
    }

    /// The state `value` names.
    pub fn from_name(value: &str) -> Option<CrossOrigin> {
        [CrossOrigin::Anonymous, CrossOrigin::UseCredentials].into_iter().find(|c| c.name() == value)
    }
}

/// HTML § "create a potential-CORS request": the mode and credentials mode
/// a CORS settings attribute's state gives, `no-cors` (with credentials)
/// for no attribute unless the caller's default is `cors` (module scripts).
///
/// ```
/// use corsim::request::{create_potential_cors_request, CrossOrigin};
/// use corsim::{CredentialsMode, Mode};
/// assert_eq!(create_potential_cors_request(None, false), (Mode::NoCors, CredentialsMode::Include));
/// assert_eq!(create_potential_cors_request(None, true), (Mode::Cors, CredentialsMode::SameOrigin));
/// assert_eq!(create_potential_cors_request(Some(CrossOrigin::UseCredentials), false), (Mode::Cors, CredentialsMode::Include));
/// ```
pub fn create_potential_cors_request(cors_attribute: Option<CrossOrigin>, same_origin_fallback: bool) -> (Mode, CredentialsMode) {
    let mode = match (cors_attribute, same_origin_fallback) {
        (None, false) => Mode::NoCors,
        _ => Mode::Cors,
    };
    let credentials = match cors_attribute {
        Some(CrossOrigin::Anonymous) => CredentialsMode::SameOrigin,
        Some(CrossOrigin::UseCredentials) => CredentialsMode::Include,
        None if same_origin_fallback => CredentialsMode::SameOrigin,
        None => CredentialsMode::Include,
    };
    (mode, credentials)
}

/// Beacon § `sendBeacon()`: the mode of a beacon whose data has
/// `content_type` (a `Blob`'s type, or `text/plain;charset=UTF-8` for a
/// string): `no-cors`, unless the type is not a CORS-safelisted
/// `Content-Type`, which makes the request a CORS one (with a preflight).
pub fn beacon_mode(profile: &Profile, content_type: Option<&str>) -> Mode {
    let safelisted = match content_type.and_then(isomorphic_encode) {
        None => true,
        Some(value) => crate::request_header::is_cors_safelisted(profile, b"content-type", &value),
    };
    if safelisted {
        Mode::NoCors
    } else {
        Mode::Cors
    }
}

/// The most a `keepalive` request's body may hold, in bytes, counting the
/// bodies of the page's other keepalive requests in flight (Fetch § "fetch",
/// step "If request's keepalive is true … 64 kibibytes").
pub const KEEPALIVE_BODY_LIMIT: usize = 64 * 1024;

impl RequestInit {
    /// This request made by another initiator.
    pub fn initiated_by(mut self, initiator: Initiator) -> Self {
        self.initiator = initiator;
        self
    }

    /// This element request with another `crossorigin` attribute.
    pub fn crossorigin(mut self, crossorigin: Option<CrossOrigin>) -> Self {
        self.crossorigin = crossorigin;
        self
    }

    /// The mode and credentials mode the request is made with: `fetch()`'s
    /// own; for XHR `cors`, with `include` when `withCredentials` is set
    /// (`credentials: include`) and `same-origin` otherwise; for elements
    /// those of [`create_potential_cors_request`] (a module script or a
    /// font falls back to `cors`, a font has no attribute); for a beacon,
    /// credentials always and the mode of [`beacon_mode`].
    pub fn effective_modes(&self) -> (Mode, CredentialsMode) {
        self.effective_modes_in(&Profile::CHROMIUM)
    }

    /// [`RequestInit::effective_modes`] for a profile (a beacon's mode reads
    /// the profile's CORS-safelisted `Content-Type`s).
    pub fn effective_modes_in(&self, profile: &Profile) -> (Mode, CredentialsMode) {
        match self.initiator {
            Initiator::Fetch => (self.mode, self.credentials),
            Initiator::Xhr => {
                let credentials = if self.credentials == CredentialsMode::Include {
                    CredentialsMode::Include
                } else {
                    CredentialsMode::SameOrigin
                };
                (Mode::Cors, credentials)
            }
            Initiator::Img | Initiator::Script | Initiator::Stylesheet => {
                create_potential_cors_request(self.crossorigin, false)
            }
            Initiator::ModuleScript => create_potential_cors_request(self.crossorigin, true),
            Initiator::Font => create_potential_cors_request(None, profile.initiators.fonts_use_cors),
            Initiator::Beacon => {
                let content_type = self
                    .headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                    .map(|(_, v)| v.as_str());
                (beacon_mode(profile, content_type), CredentialsMode::Include)
            }
        }
    }
}
