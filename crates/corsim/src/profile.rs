//! Browser profiles: the standard's choices and each browser's deviations, as
//! data. The engine reads these fields at the few places where browsers
//! disagree, so a new browser is a new value, not new branches.

use crate::header_list::ListTrim;

mod gates;
mod initiators;
pub use gates::{Gates, SchemeRules};
pub use initiators::{InitiatorRules, StylesheetMimeCheck};

/// Which engine a profile imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Browser {
    /// Chromium (Chrome, Edge, …), as recorded from Chromium 156.
    Chromium,
    /// Firefox (Gecko).
    Firefox,
    /// WebKit (Safari, WebKitGTK).
    WebKit,
    /// The WHATWG Fetch standard as written.
    Spec,
}

impl Browser {
    /// Every browser, Chromium first.
    pub const ALL: [Browser; 4] = [Browser::Chromium, Browser::Firefox, Browser::WebKit, Browser::Spec];

    /// The lower-case name used on the command line (`chromium`, `spec`).
    pub fn name(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium",
            Browser::Firefox => "firefox",
            Browser::WebKit => "webkit",
            Browser::Spec => "spec",
        }
    }

    /// Parse a name (`chromium`, `firefox`, `webkit`, `spec`), or a scenario's
    /// `browser` field such as `"Chromium 156.0.8078.73"` or `"Firefox ESR 153"`.
    ///
    /// ```
    /// use corsim::Browser;
    /// assert_eq!(Browser::from_name("Chromium 156.0.8078.73"), Some(Browser::Chromium));
    /// assert_eq!(Browser::from_name("Firefox ESR 153"), Some(Browser::Firefox));
    /// assert_eq!(Browser::from_name(" WebKitGTK/2.50.6"), Some(Browser::WebKit));
    /// assert_eq!(Browser::from_name("FETCH"), Some(Browser::Spec));
    /// assert_eq!(Browser::from_name("Chromiumish"), None);
    /// assert_eq!(Browser::from_name(""), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Browser> {
        let first = name.trim().split([' ', '/']).next().unwrap_or("");
        const NAMES: [(&str, Browser); 10] = [
            ("chromium", Browser::Chromium),
            ("chrome", Browser::Chromium),
            ("edge", Browser::Chromium),
            ("firefox", Browser::Firefox),
            ("gecko", Browser::Firefox),
            ("webkit", Browser::WebKit),
            ("webkitgtk", Browser::WebKit),
            ("safari", Browser::WebKit),
            ("spec", Browser::Spec),
            ("fetch", Browser::Spec),
        ];
        NAMES.iter().find(|(known, _)| first.eq_ignore_ascii_case(known)).map(|&(_, browser)| browser)
    }

    /// The profile for this browser.
    pub fn profile(self) -> &'static Profile {
        match self {
            Browser::Chromium => &Profile::CHROMIUM,
            Browser::Firefox => &Profile::FIREFOX,
            Browser::WebKit => &Profile::WEBKIT,
            Browser::Spec => &Profile::SPEC,
        }
    }
}

/// How `Access-Control-Max-Age` is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxAgeRules {
    /// Seconds used when the header is absent (5 in every engine).
    pub default_secs: u64,
    /// Seconds a value is capped at (the standard's "imposed limit").
    pub cap_secs: u64,
    /// What an unparsable value does.
    pub invalid: InvalidMaxAge,
    /// Whether a leading `+` parses (`+5` → 5).
    pub accepts_plus: bool,
}

/// What an unparsable or negative `Access-Control-Max-Age` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvalidMaxAge {
    /// Unparsable → the default; negative → not cached (Chromium, WebKit).
    DefaultNegativeNotCached,
    /// Unparsable or negative → the default (the standard's "failure → 5").
    Default,
    /// Any byte that is not a digit → nothing cached at all (Firefox).
    NotCached,
}

/// How the preflight cache is organised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheRules {
    /// Most entries kept at once (`None`: unbounded).
    pub capacity: Option<usize>,
    /// What goes when the cache is full.
    pub eviction: Eviction,
    /// URLs at least this long are never cached (Chromium: 1024).
    pub max_url_len: Option<usize>,
    /// Whether credentialed and uncredentialed requests use separate entries
    /// (Firefox), rather than a credentialed entry serving both.
    pub separate_credentials: bool,
    /// Whether an entry that does not allow a request is erased (Chromium,
    /// WebKit) rather than kept.
    pub erase_when_insufficient: bool,
    /// Whether a new preflight merges its methods and headers into the entry
    /// (Firefox, the standard) rather than replacing it (Chromium, WebKit).
    pub merge: bool,
    /// Whether preflights to hosts that are IP addresses are cached (Firefox:
    /// not reliably).
    pub cache_ip_hosts: bool,
    /// Whether a cached `*` lets any header through for `Authorization` too
    /// (the cache's own rule, apart from the preflight check's).
    pub wildcard_covers_authorization: bool,
    /// Whether a network error clears the URL's entries (the standard's
    /// "clear cache entries"; Firefox on failed CORS checks).
    pub clear_on_network_error: bool,
    /// Whether the cache key uses the serialized request origin (`null` once
    /// redirect-tainted, the standard) rather than the page's origin.
    pub key_on_tainted_origin: bool,
}

/// Eviction when the cache is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eviction {
    /// Erase a run of this many consecutive entries from a random index
    /// (Chromium: 10).
    RandomRun(usize),
    /// Erase the least recently used entry (Firefox), after purging expired ones.
    LeastRecentlyUsed,
}

/// What a redirect status with an empty `Location` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmptyLocation {
    /// It is no redirect: the response is returned as is (Chromium).
    NotARedirect,
    /// It redirects to the same URL, so it loops until the redirect limit
    /// (the standard, Firefox).
    SameUrl,
    /// A network error (WebKit).
    NetworkError,
}

/// Which check of a preflight response is reported first when several fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PreflightOrder {
    /// The CORS check (`Access-Control-Allow-Origin` / `-Credentials`) first,
    /// then the status (Chromium; Firefox, recorded with preflights answered
    /// 403 or 500 without a matching `Access-Control-Allow-Origin`: it
    /// names the origin or credentials, not the status).
    AccessThenStatus,
    /// The status first, then the CORS check (WebKit).
    StatusThenAccess,
}

/// How an `Access-Control-Allow-Origin` value that is not the request's
/// origin is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MismatchReasons {
    /// A space or comma: `MultipleAllowOriginValues`; `null`: a mismatch;
    /// anything that does not parse as a URL: `InvalidAllowOriginValue`;
    /// else a mismatch (Chromium's `CheckAccessInternal`).
    ParsedAsOrigin,
    /// A comma: more than one origin; anything else a mismatch (WebKit).
    CommaMeansMultiple,
    /// Always a mismatch (Firefox).
    AlwaysMismatch,
}

/// The order of a preflight's headers on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PreflightHeaderOrder {
    /// `Accept: */*`, the `Access-Control-Request-*` pair, then `Origin`
    /// (Chromium, Firefox).
    AcceptRequestPairOrigin,
    /// `Origin`, then the pair; no `Accept` (WebKit).
    OriginRequestPair,
}

/// The order in which a preflight's `Access-Control-Allow-Headers` is
/// checked against the request's headers: the first header refused is the
/// one the reason and the console name, so with two refused headers the
/// order decides which. Recorded with pairs of refused headers in either
/// order (`Content-Type` and `Range`, `X-Alpha` and `X-Zulu`, ...: the
/// `header-order` corpus).
///
/// ```
/// use corsim::{scenario::Scenario, Profile};
/// // Two headers the preflight does not allow, `X-Custom` written first.
/// let line = r#"{"origin":"http://127.0.0.1:8001","steps":[{"request":{"url":"http://127.0.0.1:8002/x",
///   "headers":[["X-Custom","1"],["Content-Type","application/json"]]}}],
///   "server":{"http://127.0.0.1:8002/x":{"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"]]}}}}"#;
/// let named = |p: &Profile| Scenario::parse(line).unwrap().simulate(Some(p)).steps[0].console[0].clone();
/// assert!(named(&Profile::FIREFOX).contains("header ‘content-type’"), "sorted");
/// assert!(named(&Profile::SPEC).contains("content-type"), "sorted");
/// assert!(named(&Profile::WEBKIT).contains("field Content-Type"), "a name WebKit knows, first");
/// assert!(named(&Profile::CHROMIUM).contains("field x-custom"), "the page's order");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllowHeadersOrder {
    /// Fetch § "CORS-preflight fetch" 7.7 then 7.8: `Authorization` (the
    /// CORS non-wildcard request-header name) first, then the CORS-unsafe
    /// request-header names, which Fetch makes a sorted lower-case set.
    AuthorizationThenSorted,
    /// One pass over the sorted lower-case CORS-unsafe names, `Authorization`
    /// in its place (Firefox: `nsCORSPreflightListener` walks its sorted
    /// `mPreflightHeaders`).
    Sorted,
    /// The request's header map: the names the engine knows
    /// ([`HintStyle::known_header_names`]) first, then the others, each in
    /// the page's order (WebKit: `HTTPHeaderMap` keeps its common headers
    /// before its uncommon ones).
    KnownNamesFirst,
    /// `Authorization` first, then the page's order. Chromium's real order
    /// is its renderer's header map's (a hash table's, by name), which this
    /// does not model: recorded, it names `range` before `content-type`
    /// and `x-custom` before both, whatever the page's order.
    AuthorizationThenPageOrder,
}

/// How a console message and reason show a value the browser refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HintStyle {
    /// An `Access-Control-Allow-Methods`/`-Headers` list that does not parse
    /// is shown whole (Chromium, WebKit) rather than by its bad token (Firefox).
    pub whole_invalid_list: bool,
    /// A request header the preflight did not allow is shown as the page
    /// spelt it (WebKit) rather than lower-cased (Chromium, Firefox).
    pub header_name_as_sent: bool,
    /// Header names shown in this spelling whatever case the page used
    /// (WebKit's `HTTPHeaderName`s, recorded with `Content-Type`, `Range`
    /// and `Last-Event-ID`); other names keep the page's spelling.
    pub known_header_names: &'static [&'static str],
}

/// What a browser's HTTP stack refuses before CORS looks at a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkRules {
    /// A NUL byte in a header line fails the response (Chromium, Firefox,
    /// WebKit; recorded from the web-platform-tests' header-byte cases).
    pub nul_in_header_refused: bool,
    /// A 407 from the server itself fails the response (Chromium; Firefox
    /// judges it as any other status).
    pub proxy_auth_refused: bool,
    /// `Location` lines with different values fail the response (Chromium,
    /// Firefox).
    pub multiple_locations_refused: bool,
}

/// How the `Location` of a redirect is read and where it may lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RedirectRules {
    /// A tab in `Location` is kept, percent-encoded (Firefox), rather than
    /// removed as the URL parser removes it (Chromium).
    pub location_keeps_tabs: bool,
    /// A 301 or 308 answer to a GET is kept by the HTTP cache, so a redirect
    /// back to its URL is answered without asking the server again
    /// (Chromium).
    pub permanent_redirects_cached: bool,
    /// Schemes a redirect may not lead to that fail as an unsafe redirect
    /// (a network error); a redirect to any other scheme that is not
    /// HTTP(S) reaches the CORS layer, which refuses it as
    /// `CorsDisabledScheme` (Chromium; Firefox's `CORSRequestNotHttp`).
    /// `None`: every such redirect is a network error.
    pub unsafe_redirect_schemes: Option<&'static [&'static str]>,
    /// `about:blank` is a page a redirect can open (so CORS refuses it as
    /// not HTTP) even though other `about:` URLs fail as unsafe (Firefox).
    pub about_blank_opens: bool,
    /// A redirected request of a fetch that needed a preflight is preflighted
    /// again even when it is now simple (Firefox; WebKit, whose load checker
    /// stops treating the fetch as simple once it needed a preflight).
    pub preflight_after_redirect: bool,
    /// `Location` bytes are read as UTF-8 (Chromium, Firefox) rather than one
    /// character per byte (WebKit: `t\xC3\xA9rget` is requested as
    /// `t%C3%83%C2%A9rget`).
    pub location_utf8: bool,
    /// Several `Location` lines are joined with `, ` into one value, as any
    /// other repeated header (WebKit requests `target,%20http://…/other`),
    /// rather than the first one being read.
    pub location_lines_joined: bool,
    /// A request sent with `Origin` keeps it on every request a redirect
    /// makes of it, a POST rewritten to GET included (WebKit keeps the
    /// header it set), rather than `Origin` being decided afresh for each.
    pub origin_kept_after_redirect: bool,
    /// Schemes the HTTP stack has turned off: a redirect to one fails before
    /// anything else looks at the redirect, in every mode (WebKit: `ftp`,
    /// "FTP URLs are disabled").
    pub disabled_schemes: &'static [&'static str],
    /// Schemes of local resources a page may not load: a redirect to one
    /// fails as such, unless the CORS check of a request already under CORS
    /// refused it first (WebKit: `file` and `blob`, "Not allowed to load
    /// local resource").
    pub local_schemes: &'static [&'static str],
    /// A redirect to a URL that is not HTTP(S) (or not a URL) is judged by
    /// the request's mode before fetch's own scheme rule, at the redirecting
    /// URL: under CORS it fails the CORS check of the redirect (an
    /// unparsable `Location` too, when the request is cross-origin), in
    /// `same-origin` mode it is a cross-origin redirect; only `no-cors`
    /// reaches the scheme rule (WebKit).
    pub scheme_judged_by_mode: bool,
}

/// The request header names WebKit knows by name (its `HTTPHeaderNames.in`,
/// the ones a page can set), in the spelling it prints them. WebKitGTK
/// 2.50.6 was recorded checking these before a name it does not know
/// (`Pragma`, `If-Match`, `Content-Location`, `Ping-From` before `X-Alpha`),
/// and checking `Priority`, `Purpose` and `X-Requested-With` in the page's
/// order, as names it does not know.
pub const WEBKIT_HEADER_NAMES: &[&str] = &[
    "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Authorization", "Cache-Control",
    "Connection", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
    "Content-Location", "Content-Range", "Content-Type", "Cookie", "DNT", "Date", "Expect", "Host",
    "If-Match", "If-Modified-Since", "If-None-Match", "If-Range", "If-Unmodified-Since", "Keep-Alive",
    "Last-Event-ID", "Origin", "Ping-From", "Ping-To", "Pragma", "Range", "Referer",
    "TE", "Trailer", "Transfer-Encoding", "Upgrade", "User-Agent", "Via",
];

/// A browser's CORS behaviour.
///
/// ```
/// use corsim::Profile;
/// assert_eq!(Profile::CHROMIUM.max_age.cap_secs, 7200);
/// assert!(Profile::CHROMIUM.authorization_covered_by_wildcard);
/// assert!(!Profile::SPEC.authorization_covered_by_wildcard);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The engine.
    pub browser: Browser,
    /// `User-Agent` is a forbidden request header (Chromium keeps it so).
    pub user_agent_forbidden: bool,
    /// Chromium's extra CORS-safelisted request headers: `intervention`, the
    /// legacy client hints (`device-memory`, `dpr`, `width`, `viewport-width`,
    /// `rtt`, `downlink`, `ect`, `save-data`) with their value rules.
    pub client_hints_safelisted: bool,
    /// `Accept` must be ASCII to be safelisted (Firefox).
    pub accept_ascii_only: bool,
    /// `Range` must start with a lower-case `bytes` (otherwise any case).
    pub range_unit_case_sensitive: bool,
    /// The 1024-byte total of safelisted values.
    pub safelist_total_limit: Option<usize>,
    /// `Access-Control-Allow-Headers: *` also covers `Authorization` in the
    /// preflight check.
    pub authorization_covered_by_wildcard: bool,
    /// How `Access-Control-Allow-*` lists are trimmed.
    pub list_trim: ListTrim,
    /// Which failure a preflight reports first.
    pub preflight_order: PreflightOrder,
    /// `Access-Control-Max-Age` rules.
    pub max_age: MaxAgeRules,
    /// Preflight cache rules.
    pub cache: CacheRules,
    /// Redirects followed before failing.
    pub redirect_limit: u32,
    /// Whether an unparsable redirect `Location` fails before the CORS check
    /// of the redirect response (Chromium, Firefox) or after it (WebKit).
    pub location_parsed_before_cors_check: bool,
    /// Whether an unparsable or non-HTTP(S) redirect `Location` fails before
    /// the CORS check of the redirect response (Firefox).
    pub redirect_scheme_checked_before_cors_check: bool,
    /// What an empty `Location` on a redirect status does.
    pub empty_location: EmptyLocation,
    /// Whether a redirect to a same-origin URL with a username or password
    /// fails (Chromium) rather than being followed.
    pub same_origin_userinfo_redirect_fails: bool,
    /// Whether headers with the same name are combined into one before the
    /// safelist checks (Chromium, WebKit) or checked one by one (Firefox).
    pub combine_request_headers: bool,
    /// Whether `Access-Control-Request-Headers` lists each name once.
    pub unique_preflight_header_names: bool,
    /// Whether a preflight after a cross-origin redirect still sends and
    /// checks the page's own origin rather than `null` (Firefox).
    pub preflight_origin_untainted: bool,
    /// Methods a cached entry never needs to list (Firefox: not `HEAD`).
    pub cache_exempt_methods: &'static [&'static str],
    /// Whether a cached `*` is only the literal token `*` (Firefox), never a
    /// wildcard.
    pub cache_wildcard_literal: bool,
    /// Whether a preflight answered with a redirect fails as a refused
    /// redirect (Chromium's `PreflightDisallowedRedirect`, Firefox) rather
    /// than as a response without an ok status (WebKit).
    pub preflight_redirect_refused: bool,
    /// Whether several `Access-Control-Allow-Origin` lines fail as such
    /// before anything else is compared (Firefox counts raw lines).
    pub allow_origin_lines_counted: bool,
    /// Whether a preflight whose lists parsed is stored even when it then
    /// refuses the method or a header (WebKit stores before it checks).
    pub cache_refused_preflight: bool,
    /// Response headers script may read on a `cors` response besides the
    /// standard's safelist (WebKit: `Accept`).
    pub extra_safelisted_response_headers: &'static [&'static str],
    /// How a mismatched `Access-Control-Allow-Origin` is reported.
    pub allow_origin_mismatch: MismatchReasons,
    /// The order of a preflight's headers.
    pub preflight_header_order: PreflightHeaderOrder,
    /// Which refused request header a failed preflight names.
    pub allow_headers_order: AllowHeadersOrder,
    /// How refused values are shown.
    pub hints: HintStyle,
    /// The checks around CORS: ports, schemes, mixed content, Local Network
    /// Access, `Cross-Origin-Resource-Policy` (each value's evidence is on
    /// its constant in [`Gates`]).
    pub gates: Gates,
    /// What it does per initiator beyond `fetch()` (XHR, elements, beacons;
    /// its constant in [`InitiatorRules`]).
    pub initiators: InitiatorRules,
    /// What the HTTP stack refuses before CORS.
    pub network: NetworkRules,
    /// How redirects are read.
    pub redirects: RedirectRules,
}

impl Profile {
    /// Chromium, as recorded from Chromium 156.
    pub const CHROMIUM: Profile = Profile {
        browser: Browser::Chromium,
        user_agent_forbidden: true,
        client_hints_safelisted: true,
        accept_ascii_only: false,
        range_unit_case_sensitive: true,
        safelist_total_limit: Some(1024),
        authorization_covered_by_wildcard: true,
        list_trim: ListTrim::TabOrSpace,
        preflight_order: PreflightOrder::AccessThenStatus,
        max_age: MaxAgeRules {
            default_secs: 5,
            cap_secs: 7200,
            invalid: InvalidMaxAge::DefaultNegativeNotCached,
            accepts_plus: true,
        },
        cache: CacheRules {
            capacity: Some(1024),
            eviction: Eviction::RandomRun(10),
            max_url_len: Some(1024),
            separate_credentials: false,
            erase_when_insufficient: true,
            merge: false,
            cache_ip_hosts: true,
            wildcard_covers_authorization: false,
            clear_on_network_error: false,
            key_on_tainted_origin: false,
        },
        location_parsed_before_cors_check: true,
        redirect_scheme_checked_before_cors_check: false,
        empty_location: EmptyLocation::NotARedirect,
        same_origin_userinfo_redirect_fails: true,
        combine_request_headers: true,
        unique_preflight_header_names: true,
        preflight_origin_untainted: false,
        cache_exempt_methods: &["GET", "HEAD", "POST"],
        cache_wildcard_literal: false,
        cache_refused_preflight: false,
        preflight_redirect_refused: true,
        allow_origin_lines_counted: false,
        redirect_limit: 20,
        extra_safelisted_response_headers: &[],
        allow_origin_mismatch: MismatchReasons::ParsedAsOrigin,
        preflight_header_order: PreflightHeaderOrder::AcceptRequestPairOrigin,
        allow_headers_order: AllowHeadersOrder::AuthorizationThenPageOrder,
        hints: HintStyle { whole_invalid_list: true, header_name_as_sent: false, known_header_names: &[] },
        gates: Gates::CHROMIUM,
        initiators: InitiatorRules::CHROMIUM,
        network: NetworkRules {
            nul_in_header_refused: true,
            proxy_auth_refused: true,
            multiple_locations_refused: true,
        },
        redirects: RedirectRules {
            location_keeps_tabs: false,
            permanent_redirects_cached: true,
            unsafe_redirect_schemes: Some(&["about", "blob", "data", "file", "filesystem"]),
            about_blank_opens: false,
            preflight_after_redirect: false,
            location_utf8: true,
            location_lines_joined: false,
            origin_kept_after_redirect: false,
            disabled_schemes: &[],
            local_schemes: &[],
            scheme_judged_by_mode: false,
        },
    };

    /// The WHATWG Fetch standard as written.
    pub const SPEC: Profile = Profile {
        browser: Browser::Spec,
        user_agent_forbidden: false,
        client_hints_safelisted: false,
        accept_ascii_only: false,
        range_unit_case_sensitive: true,
        safelist_total_limit: Some(1024),
        authorization_covered_by_wildcard: false,
        list_trim: ListTrim::TabOrSpace,
        preflight_order: PreflightOrder::AccessThenStatus,
        max_age: MaxAgeRules { default_secs: 5, cap_secs: 7200, invalid: InvalidMaxAge::Default, accepts_plus: false },
        cache: CacheRules {
            capacity: None,
            eviction: Eviction::LeastRecentlyUsed,
            max_url_len: None,
            separate_credentials: false,
            erase_when_insufficient: false,
            merge: true,
            cache_ip_hosts: true,
            wildcard_covers_authorization: false,
            clear_on_network_error: true,
            key_on_tainted_origin: true,
        },
        location_parsed_before_cors_check: false,
        redirect_scheme_checked_before_cors_check: false,
        empty_location: EmptyLocation::SameUrl,
        same_origin_userinfo_redirect_fails: false,
        combine_request_headers: false,
        unique_preflight_header_names: true,
        preflight_origin_untainted: false,
        cache_exempt_methods: &["GET", "HEAD", "POST"],
        cache_wildcard_literal: false,
        cache_refused_preflight: false,
        preflight_redirect_refused: false,
        allow_origin_lines_counted: false,
        redirect_limit: 20,
        extra_safelisted_response_headers: &[],
        allow_origin_mismatch: MismatchReasons::ParsedAsOrigin,
        preflight_header_order: PreflightHeaderOrder::AcceptRequestPairOrigin,
        allow_headers_order: AllowHeadersOrder::AuthorizationThenSorted,
        hints: HintStyle { whole_invalid_list: true, header_name_as_sent: false, known_header_names: &[] },
        gates: Gates::SPEC,
        initiators: InitiatorRules::SPEC,
        network: NetworkRules {
            nul_in_header_refused: false,
            proxy_auth_refused: false,
            multiple_locations_refused: false,
        },
        redirects: RedirectRules {
            location_keeps_tabs: false,
            permanent_redirects_cached: false,
            unsafe_redirect_schemes: None,
            about_blank_opens: false,
            preflight_after_redirect: false,
            location_utf8: true,
            location_lines_joined: false,
            origin_kept_after_redirect: false,
            disabled_schemes: &[],
            local_schemes: &[],
            scheme_judged_by_mode: false,
        },
    };

    /// Firefox (Gecko), per `nsCORSListenerProxy.cpp`.
    pub const FIREFOX: Profile = Profile {
        browser: Browser::Firefox,
        user_agent_forbidden: false,
        client_hints_safelisted: false,
        accept_ascii_only: true,
        range_unit_case_sensitive: true,
        safelist_total_limit: None,
        authorization_covered_by_wildcard: true,
        list_trim: ListTrim::TabOrSpace,
        preflight_order: PreflightOrder::AccessThenStatus,
        max_age: MaxAgeRules { default_secs: 5, cap_secs: 86400, invalid: InvalidMaxAge::NotCached, accepts_plus: false },
        cache: CacheRules {
            capacity: Some(100),
            eviction: Eviction::LeastRecentlyUsed,
            max_url_len: None,
            separate_credentials: true,
            erase_when_insufficient: false,
            merge: true,
            cache_ip_hosts: false,
            wildcard_covers_authorization: false,
            clear_on_network_error: true,
            key_on_tainted_origin: false,
        },
        location_parsed_before_cors_check: true,
        redirect_scheme_checked_before_cors_check: true,
        empty_location: EmptyLocation::SameUrl,
        same_origin_userinfo_redirect_fails: false,
        combine_request_headers: false,
        unique_preflight_header_names: false,
        preflight_origin_untainted: true,
        cache_exempt_methods: &["GET", "POST"],
        cache_wildcard_literal: true,
        cache_refused_preflight: false,
        preflight_redirect_refused: true,
        allow_origin_lines_counted: true,
        redirect_limit: 20,
        extra_safelisted_response_headers: &[],
        allow_origin_mismatch: MismatchReasons::AlwaysMismatch,
        preflight_header_order: PreflightHeaderOrder::AcceptRequestPairOrigin,
        allow_headers_order: AllowHeadersOrder::Sorted,
        hints: HintStyle { whole_invalid_list: false, header_name_as_sent: false, known_header_names: &[] },
        gates: Gates::FIREFOX,
        initiators: InitiatorRules::FIREFOX,
        network: NetworkRules {
            nul_in_header_refused: true,
            proxy_auth_refused: false,
            multiple_locations_refused: true,
        },
        redirects: RedirectRules {
            location_keeps_tabs: true,
            permanent_redirects_cached: false,
            unsafe_redirect_schemes: Some(&["about", "blob", "data", "file", "javascript", "ws", "wss"]),
            about_blank_opens: true,
            preflight_after_redirect: true,
            location_utf8: true,
            location_lines_joined: false,
            origin_kept_after_redirect: false,
            disabled_schemes: &[],
            local_schemes: &[],
            scheme_judged_by_mode: false,
        },
    };

    /// WebKit, per `CrossOriginAccessControl.cpp` and
    /// `CrossOriginPreflightResultCache.cpp`.
    pub const WEBKIT: Profile = Profile {
        browser: Browser::WebKit,
        user_agent_forbidden: false,
        client_hints_safelisted: false,
        accept_ascii_only: false,
        range_unit_case_sensitive: false,
        safelist_total_limit: None,
        authorization_covered_by_wildcard: true,
        list_trim: ListTrim::HttpWhitespace,
        preflight_order: PreflightOrder::StatusThenAccess,
        max_age: MaxAgeRules {
            default_secs: 5,
            cap_secs: 600,
            invalid: InvalidMaxAge::DefaultNegativeNotCached,
            accepts_plus: true,
        },
        cache: CacheRules {
            capacity: None,
            eviction: Eviction::LeastRecentlyUsed,
            max_url_len: None,
            separate_credentials: false,
            erase_when_insufficient: true,
            merge: false,
            cache_ip_hosts: true,
            wildcard_covers_authorization: true,
            clear_on_network_error: false,
            key_on_tainted_origin: false,
        },
        location_parsed_before_cors_check: false,
        redirect_scheme_checked_before_cors_check: false,
        empty_location: EmptyLocation::NetworkError,
        same_origin_userinfo_redirect_fails: false,
        combine_request_headers: true,
        unique_preflight_header_names: true,
        preflight_origin_untainted: false,
        cache_exempt_methods: &["GET", "HEAD", "POST"],
        cache_wildcard_literal: false,
        cache_refused_preflight: true,
        preflight_redirect_refused: false,
        allow_origin_lines_counted: false,
        redirect_limit: 20,
        extra_safelisted_response_headers: &["accept"],
        allow_origin_mismatch: MismatchReasons::CommaMeansMultiple,
        preflight_header_order: PreflightHeaderOrder::OriginRequestPair,
        allow_headers_order: AllowHeadersOrder::KnownNamesFirst,
        hints: HintStyle { whole_invalid_list: true, header_name_as_sent: true, known_header_names: WEBKIT_HEADER_NAMES },
        gates: Gates::WEBKIT,
        initiators: InitiatorRules::WEBKIT,
        network: NetworkRules {
            nul_in_header_refused: true,
            proxy_auth_refused: false,
            multiple_locations_refused: false,
        },
        redirects: RedirectRules {
            location_keeps_tabs: false,
            permanent_redirects_cached: false,
            unsafe_redirect_schemes: None,
            about_blank_opens: false,
            preflight_after_redirect: true,
            location_utf8: false,
            location_lines_joined: true,
            origin_kept_after_redirect: true,
            disabled_schemes: &["ftp"],
            local_schemes: &["blob", "file"],
            scheme_judged_by_mode: true,
        },
    };
}

impl Default for Profile {
    fn default() -> Self {
        Profile::CHROMIUM
    }
}
