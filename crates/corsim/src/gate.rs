//! The checks a `fetch()` passes through around CORS ("gates"), per browser,
//! and the failures they end in: port blocking, the schemes `fetch()` answers
//! itself, mixed content, Local Network Access and the
//! `Cross-Origin-Resource-Policy` check. Each decision lives in its own
//! module; this one holds what a browser does with them ([`Gates`], a
//! [`crate::Profile`] field), why a fetch failed ([`Gate`]), the fix for
//! each, and the console lines.
//!
//! None of these is CORS: no `Access-Control-*` header changes their outcome
//! ([`Gate::fix`] never suggests one), although Chromium reports a Local
//! Network Access refusal as a CORS error.
//!
//! Evidence, per value: "observed" means recorded with `corsim record` in
//! the browser named (`tests/corpus/checks-*.jsonl`: Chromium 156, Firefox
//! 153 ESR, WebKitGTK 2.50.6); "source" means read in the browser's source;
//! "unverified" means neither, and such values stay out of every corpus
//! claim.

use std::fmt;

use crate::cross_origin_resource_policy::{CorpBlock, EmbedderPolicy, SameSiteRule};
use crate::header_list::isomorphic_decode;
use crate::response::HttpResponse;
use crate::verdict::CheckState;
use crate::local_network_access::{LnaBlock, LnaDenial, LnaRules};
use crate::mixed_content::{MixedContentPages, MixedContentRules};
use crate::origin::Origin;
use crate::port_blocking::BadPorts;
use crate::scheme_fetch::{SchemeError, SchemeRules};
use crate::verdict::{CheckName, Failure};

/// What a browser does around CORS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gates {
    /// The ports it refuses.
    pub bad_ports: BadPorts,
    /// Its mixed content rules.
    pub mixed_content: MixedContentRules,
    /// How the CORP check judges `same-site`.
    pub corp_same_site: SameSiteRule,
    /// Whether `Cross-Origin-Embedder-Policy: credentialless` is understood
    /// (otherwise it counts as `unsafe-none`).
    pub coep_credentialless: bool,
    /// Which requests Local Network Access checks.
    pub local_network_access: LnaRules,
    /// What `fetch()` does with URLs that are not HTTP(S).
    pub schemes: SchemeRules,
}

impl Gates {
    /// Chromium 156.
    ///
    /// - bad ports: the standard's list less 4190 and 6679, from a stored copy
    ///   of `net/base/port_util.cc` (`kRestrictedPorts`, date unknown; it also
    ///   lists 0); 25, 6000, 6667 and 10080 observed refused
    ///   (`net::ERR_UNSAFE_PORT`).
    /// - mixed content: observed (an `https:` page's fetch of `http://api.test`
    ///   blocked, of `http://127.0.0.1` and `http://localhost` allowed); that
    ///   `http:` loopback pages are unrestricted is the checker keying on the
    ///   page's scheme (source).
    /// - CORP `same-site`: observed refusing two ports of `127.0.0.1`, and
    ///   `ShouldAllowSameSite` refusing every IP host (source).
    /// - COEP `credentialless`: observed (a no-cors fetch without CORP passes,
    ///   credentials asked for or not; `require-corp` refuses it).
    /// - bad ports: 4190 and 6679 observed allowed, a redirect to a bad port
    ///   refused (`net::ERR_UNSAFE_PORT`, word for word).
    /// - Local Network Access: observed (both refusals, `no-cors` included;
    ///   `public` pages only: a `local` page reaches `loopback` with the
    ///   permission denied).
    /// - `about:blank`: refused, as every scheme `fetch()` does not support
    ///   ([`SchemeRules::unsupported_refused_first`]; observed); `file:`
    ///   refused first too.
    pub const CHROMIUM: Gates = Gates {
        bad_ports: BadPorts::FetchExcept(&[4190, 6679]),
        mixed_content: MixedContentRules { pages: MixedContentPages::HttpsUrl, loopback_exempt: true },
        corp_same_site: SameSiteRule::NeverForIpHosts,
        coep_credentialless: true,
        local_network_access: LnaRules { enforced: true, public_clients_only: true, insecure_context_refused: true, at_connect: false },
        schemes: SchemeRules { about_blank: false, unsupported_refused_first: true, file_refused_first: true, file_local_resource: true, ..SchemeRules::SPEC },
    };

    /// The standards as written (Fetch, MIX, Secure Contexts). Local Network
    /// Access is a WICG draft, not part of Fetch: off.
    pub const SPEC: Gates = Gates {
        bad_ports: BadPorts::Fetch,
        mixed_content: MixedContentRules { pages: MixedContentPages::TrustworthyOrigin, loopback_exempt: true },
        corp_same_site: SameSiteRule::SchemelesslySameSite,
        coep_credentialless: true,
        local_network_access: LnaRules::OFF,
        schemes: SchemeRules::SPEC,
    };

    /// Firefox.
    ///
    /// - bad ports: `gBadPortList` in `netwerk/base/nsIOService.cpp` (source):
    ///   the standard's list, where 0 is only the end marker; 4190, 6679 and
    ///   the usual ones observed refused, silently (a bad port or mixed
    ///   content on a redirect's target: "CORS request did not succeed" for
    ///   the redirecting URL).
    /// - mixed content: `https:` pages only, loopback exempt (observed).
    /// - CORP `same-site`: schemelessly same site, two ports of `127.0.0.1`
    ///   allowed (observed); COEP `require-corp` and `credentialless`
    ///   (observed: no credentials, no CORP needed).
    /// - schemes: `about:blank` loads in `no-cors`; `cors` refuses other
    ///   schemes as `CORSRequestNotHttp`; `file:` refused first; `data:`
    ///   responses have a `Content-Length` (all observed).
    /// - Local Network Access: on by default in ESR 153 (observed with
    ///   `network.lna.address_space.*.override`): `public` pages only, an
    ///   insecure page asked like any other, checked as each request leaves
    ///   (a `cors` fetch reports "CORS request did not succeed"). The prompt
    ///   state leaves the fetch waiting for the user (unrecordable headless).
    pub const FIREFOX: Gates = Gates {
        bad_ports: BadPorts::FetchExcept(&[0]),
        mixed_content: MixedContentRules { pages: MixedContentPages::HttpsUrl, loopback_exempt: true },
        corp_same_site: SameSiteRule::SchemelesslySameSite,
        coep_credentialless: true,
        local_network_access: LnaRules { enforced: true, public_clients_only: true, insecure_context_refused: false, at_connect: true },
        schemes: SchemeRules { file_refused_first: true, file_local_resource: true, cors_mode_cors_error: true, data_content_length: true, ..SchemeRules::SPEC },
    };

    /// WebKit.
    ///
    /// - bad ports: `portAllowed` in `wtf/URL.cpp` (source): the standard's
    ///   list, 4190 and 6679 included (observed).
    /// - mixed content: `http://127.0.0.1` and `http://localhost` blocked from
    ///   `https:` pages too (observed).
    /// - CORP `same-site`: schemelessly same site (observed); COEP
    ///   `require-corp` honoured, `credentialless` read as `unsafe-none`
    ///   (observed: an uncredentialed no-cors fetch without CORP passes;
    ///   whether credentials are dropped is not told apart).
    /// - schemes: `about:blank` refused in `no-cors`; `cors` refuses other
    ///   schemes ("Cross origin requests are only supported for HTTP.");
    ///   `file:` refused as a local resource in `no-cors` (observed).
    /// - Local Network Access: off (observed: the overrides Chromium and
    ///   Firefox take have no WebKitGTK counterpart, and nothing is refused).
    pub const WEBKIT: Gates = Gates {
        bad_ports: BadPorts::Fetch,
        mixed_content: MixedContentRules { pages: MixedContentPages::HttpsUrl, loopback_exempt: false },
        corp_same_site: SameSiteRule::SchemelesslySameSite,
        coep_credentialless: false,
        local_network_access: LnaRules::OFF,
        schemes: SchemeRules { about_blank: false, cors_mode_cors_error: true, file_local_resource: true, ..SchemeRules::SPEC },
    };

    /// The embedder policy the browser applies for a page that sent `coep`.
    pub fn embedder_policy(&self, coep: EmbedderPolicy) -> EmbedderPolicy {
        match coep {
            EmbedderPolicy::Credentialless if !self.coep_credentialless => EmbedderPolicy::UnsafeNone,
            other => other,
        }
    }
}

/// Which check around CORS refused a fetch, and with what.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(tag = "gate", rename_all = "kebab-case"))]
pub enum Gate {
    /// The URL's port is a bad port (Fetch § "Port blocking").
    BadPort {
        /// The port.
        port: u16,
    },
    /// An `https:` page's fetch of a URL that is not potentially trustworthy
    /// (MIX § 4.3).
    MixedContent {
        /// The page's URL.
        page: String,
    },
    /// Local Network Access refused it.
    LocalNetworkAccess(LnaBlock),
    /// The `Cross-Origin-Resource-Policy` check refused a `no-cors` response.
    CrossOriginResourcePolicy(CorpBlock),
    /// `fetch()` answers the URL itself, and that failed.
    Scheme(SchemeError),
}

impl Gate {
    /// The check, as the trace names it.
    pub fn check(&self) -> CheckName {
        match self {
            Gate::BadPort { .. } => CheckName::BadPort,
            Gate::MixedContent { .. } => CheckName::MixedContent,
            Gate::LocalNetworkAccess(_) => CheckName::LocalNetworkAccess,
            Gate::CrossOriginResourcePolicy(_) => CheckName::CrossOriginResourcePolicy,
            Gate::Scheme(_) => CheckName::Scheme,
        }
    }

    /// A short kebab-case name (`bad-port`, `mixed-content`,
    /// `local-network-access`, `cross-origin-resource-policy`, `scheme`).
    pub fn name(&self) -> &'static str {
        match self {
            Gate::BadPort { .. } => "bad-port",
            Gate::MixedContent { .. } => "mixed-content",
            Gate::LocalNetworkAccess(_) => "local-network-access",
            Gate::CrossOriginResourcePolicy(_) => "cross-origin-resource-policy",
            Gate::Scheme(_) => "scheme",
        }
    }

    /// The check in words, for "not CORS: …".
    pub fn title(&self) -> &'static str {
        match self {
            Gate::BadPort { .. } => "a blocked port",
            Gate::MixedContent { .. } => "mixed content",
            Gate::LocalNetworkAccess(_) => "Local Network Access",
            Gate::CrossOriginResourcePolicy(_) => "Cross-Origin-Resource-Policy",
            Gate::Scheme(_) => "a URL fetch() loads itself",
        }
    }

    /// Chromium's `CorsError` name, for the refusals Chromium reports as CORS
    /// errors (Local Network Access only).
    pub fn chromium_cors_error_name(&self) -> Option<&'static str> {
        match self {
            Gate::LocalNetworkAccess(block) => Some(block.chromium_name()),
            Gate::Scheme(SchemeError::Unsupported { .. }) => Some("CorsDisabledScheme"),
            _ => None,
        }
    }

    /// Why the fetch failed, for `url`.
    pub fn reason(&self, url: &str) -> String {
        match self {
            Gate::BadPort { port } => format!("port {port} is on the browsers' list of blocked ports, so {url} is never requested"),
            Gate::MixedContent { page } => {
                format!("the page {page} was loaded over https:, and {url} is not potentially trustworthy, so the browser never requests it")
            }
            Gate::LocalNetworkAccess(block) => {
                let why = match block.denial {
                    LnaDenial::InsecureContext => "the page is not a secure context".to_owned(),
                    LnaDenial::PermissionDenied { prompted: true } => {
                        "the page has no Local Network Access permission yet (the browser asks the user)".to_owned()
                    }
                    LnaDenial::PermissionDenied { prompted: false } => "the Local Network Access permission is denied".to_owned(),
                };
                format!("a page in the `{}` address space may reach {url} in the more private `{}` space only with permission: {why}", block.client, block.target)
            }
            Gate::CrossOriginResourcePolicy(block) => match block.imposed_by {
                Some(coep) => format!(
                    "the page's Cross-Origin-Embedder-Policy: {coep} requires a Cross-Origin-Resource-Policy on {url}, and it has none that allows the page"
                ),
                None => format!("{url} answered with Cross-Origin-Resource-Policy: {}, which refuses this page", block.policy),
            },
            Gate::Scheme(error) => format!("{url}: {error}"),
        }
    }

    /// What to change: never a CORS header.
    pub fn fix(&self) -> String {
        match self {
            Gate::BadPort { port } => format!(
                "Serve the API on a port browsers allow (443, 8443, 8080, 3000, …): {port} is blocked for every page and no header changes that."
            ),
            Gate::MixedContent { .. } => "Serve the API over https: (a page loaded over https: may not fetch http: URLs; CORS headers do not change that). For a device on the local network, Chromium also accepts the fetch option targetAddressSpace: 'local' once the user grants Local Network Access.".to_owned(),
            Gate::LocalNetworkAccess(block) => match block.denial {
                LnaDenial::InsecureContext => "Serve the page over https: (Local Network Access needs a secure context), then have the user allow local network access. Access-Control-Allow-Private-Network is no longer read.".to_owned(),
                LnaDenial::PermissionDenied { .. } => format!(
                    "Have the user allow local network access for the page's site (Chromium prompts once; a denial stays in the site settings), or grant the permission in automation (local-network-access). Pass targetAddressSpace: '{}' to fetch() to ask up front. Access-Control-Allow-Private-Network is no longer read.",
                    block.target
                ),
            },
            Gate::CrossOriginResourcePolicy(block) => match block.imposed_by {
                Some(coep) => format!(
                    "Send Cross-Origin-Resource-Policy: cross-origin on the response (the page's Cross-Origin-Embedder-Policy: {coep} requires one), or drop that embedder policy."
                ),
                None => format!(
                    "Send Cross-Origin-Resource-Policy: cross-origin instead of {} (same-site only helps when the page is same site with the response; Chromium never counts IP-address hosts as same site).",
                    block.policy
                ),
            },
            Gate::Scheme(SchemeError::InvalidDataUrl { .. }) => "Fix the data: URL: a comma before the data, and valid base64 after ;base64.".to_owned(),
            Gate::Scheme(SchemeError::BlobUnavailable) => "Fetch a blob: URL the page created (URL.createObjectURL) and has not revoked, with GET.".to_owned(),
            Gate::Scheme(SchemeError::Unsupported { .. } | SchemeError::LocalResource) => "fetch() loads http:, https:, data: and blob: URLs; serve the resource over http(s).".to_owned(),
        }
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not CORS: {}", self.title())
    }
}

/// A gate check on a response, for `explain`: the header it read and what
/// it found.
pub(crate) fn explain_check(
    check: CheckName,
    state: CheckState,
    failed: Option<&Failure>,
    response: &HttpResponse,
) -> (Option<String>, String) {
    let value = check.header().and_then(|h| response.headers.get(h)).map(|v| isomorphic_decode(&v));
    let detail = match (state, failed.and_then(|f| f.kind.gate().map(|g| (f, g)))) {
        (CheckState::Failed, Some((f, gate))) => format!("{}: {}", gate, gate.reason(f.url.as_str())),
        (CheckState::NotReached, _) => "not reached".to_owned(),
        _ => match check {
            CheckName::CrossOriginResourcePolicy => "the response's Cross-Origin-Resource-Policy allows this page".to_owned(),
            other => format!("{other}: passed"),
        },
    };
    (value, detail)
}

/// Chromium's console lines for a fetch a gate refused.
///
/// All recorded (`tests/corpus/checks-chromium-156.jsonl`):
/// - bad port: `Failed to load resource: net::ERR_UNSAFE_PORT`, on the URL
///   asked for and on a redirect target alike.
/// - mixed content: Chromium's own line.
/// - Local Network Access: the CORS line, then `net::ERR_FAILED`.
/// - CORP: `Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.` and
///   the reason ([`CorpBlock::chromium_reason`]), observed.
/// - scheme: the loader's net error (`ERR_INVALID_URL` for a `data:` URL that
///   does not decode, `ERR_FILE_NOT_FOUND` for a `blob:` URL with no blob),
///   its "Not allowed to load local resource" for `file:`, and `fetch()`'s
///   own "URL scheme … is not supported" for the rest; all observed.
pub fn chromium_console(origin: &Origin, failure: &Failure, gate: &Gate) -> Vec<String> {
    let url = failure.url.as_str();
    match gate {
        Gate::BadPort { .. } => vec!["Failed to load resource: net::ERR_UNSAFE_PORT".to_owned()],
        // Chromium blocks only https: pages; the standard's profile, which
        // also restricts loopback http: pages, has no text of its own for them.
        Gate::MixedContent { page } if !page.starts_with("https:") => Vec::new(),
        Gate::MixedContent { page } => vec![format!(
            "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure resource '{url}'. This request has been blocked; the content must be served over HTTPS."
        )],
        Gate::LocalNetworkAccess(block) => {
            // The prefix of Chromium's CORS lines (console.rs words it for
            // the CORS errors proper).
            let redirected = match &failure.redirected_from {
                Some(first) => format!("(redirected from '{first}') "),
                None => String::new(),
            };
            vec![
                format!(
                    "Access to fetch at '{url}' {redirected}from origin '{origin}' has been blocked by CORS policy: {}",
                    block.chromium_text()
                ),
                "Failed to load resource: net::ERR_FAILED".to_owned(),
            ]
        }
        Gate::CrossOriginResourcePolicy(block) => {
            vec![format!("Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.{}", block.chromium_reason())]
        }
        Gate::Scheme(SchemeError::InvalidDataUrl { .. }) => vec!["Failed to load resource: net::ERR_INVALID_URL".to_owned()],
        Gate::Scheme(SchemeError::BlobUnavailable) => vec!["Failed to load resource: net::ERR_FILE_NOT_FOUND".to_owned()],
        Gate::Scheme(SchemeError::LocalResource) => vec![format!("Not allowed to load local resource: {url}")],
        Gate::Scheme(SchemeError::Unsupported { scheme }) => {
            vec![format!("Fetch API cannot load {url}. URL scheme \"{scheme}\" is not supported.")]
        }
    }
}

/// Firefox's own console lines for a fetch a check refused (all observed in
/// Firefox 153 ESR): its mixed content line, its CORP line, its security
/// error for a `file:` URL; nothing for a bad port, Local Network Access or
/// the other scheme errors. Its CORS listener may add "CORS request did not
/// succeed" ([`firefox_did_not_succeed_at`]).
pub fn firefox_console(origin: &Origin, failure: &Failure, gate: &Gate) -> Vec<String> {
    let url = failure.url.as_str();
    match gate {
        Gate::MixedContent { .. } => vec![format!("Blocked loading mixed active content “{url}”")],
        Gate::CrossOriginResourcePolicy(_) => vec![format!(
            "The resource at “{url}” was blocked due to its Cross-Origin-Resource-Policy header (or lack thereof). See https://developer.mozilla.org/docs/Web/HTTP/Cross-Origin_Resource_Policy_(CORP)#"
        )],
        Gate::Scheme(SchemeError::LocalResource) => vec![format!("Security Error: Content at {origin}/ may not load or link to {url}.")],
        _ => Vec::new(),
    }
}

/// The URL Firefox's "CORS request did not succeed" names, when a check
/// refused a `cors` request it had started (observed): Local Network Access
/// refuses the connection (the URL refused); a bad port or mixed content on
/// a redirect's target fails the redirect (the URL that redirected).
pub fn firefox_did_not_succeed_at<'a>(failure: &'a Failure, gate: &Gate) -> Option<&'a url::Url> {
    if !failure.cors {
        return None;
    }
    match gate {
        Gate::LocalNetworkAccess(_) => Some(&failure.url),
        Gate::BadPort { .. } | Gate::MixedContent { .. } => failure.url_list.iter().rev().nth(1),
        _ => None,
    }
}

/// WebKit's console lines for a fetch a check refused (observed in WebKitGTK
/// 2.50.6): each check's own line, then, for most, "Not allowed to request
/// resource" and the closing "… due to access control checks." (named
/// `closing` here, for the URL it names).
pub fn webkit_console(failure: &Failure, gate: &Gate) -> Vec<String> {
    let url = failure.url.as_str();
    let closing = |at: &str| format!("Fetch API cannot load {at} due to access control checks.");
    let refused = "Not allowed to request resource".to_owned();
    let first = failure.url_list.first().map(url::Url::as_str).unwrap_or(url);
    match gate {
        Gate::BadPort { port } => vec![format!("Not allowed to use restricted network port {port}: {url}")],
        Gate::MixedContent { page } => {
            // The text's tail is left out for a loopback target.
            let tail = if crate::secure_context::is_loopback_host(&failure.url.host().unwrap_or(url::Host::Domain(""))) {
                ""
            } else {
                " be served over HTTPS."
            };
            let line = format!("[blocked] The page at {page} requested insecure content from {url}. This content was blocked and must{tail}");
            match failure.url_list.len() {
                // Refused at a redirect: the fetch fails at the URL asked for.
                n if n > 1 => vec![line, closing(first)],
                _ => vec![line, refused, closing(url)],
            }
        }
        Gate::CrossOriginResourcePolicy(_) => {
            let cancelled = format!("Cancelled load to {url} because it violates the resource's Cross-Origin-Resource-Policy response header.");
            match &failure.redirect_location {
                // A redirect's own response refused: named as the redirect's failure.
                Some(to) => {
                    let target = failure.url.join(to).map(|u| u.as_str().to_owned()).unwrap_or_else(|_| to.clone());
                    vec![format!("Cross-origin redirection to {target} denied by Cross-Origin Resource Sharing policy: {cancelled}"), closing(url)]
                }
                None => vec![cancelled, closing(url)],
            }
        }
        Gate::Scheme(SchemeError::InvalidDataUrl { .. }) => vec![format!("Fetch API cannot load {url}.")],
        Gate::Scheme(SchemeError::LocalResource) => vec![format!("Not allowed to load local resource: {url}"), refused, closing(url)],
        Gate::Scheme(SchemeError::Unsupported { scheme }) if scheme == "ftp" => vec!["FTP URLs are disabled".to_owned(), closing(url)],
        Gate::Scheme(_) | Gate::LocalNetworkAccess(_) => Vec::new(),
    }
}

/// The checks a browser runs before it sends a request to `url` (for the
/// URL `fetch()` was given and every redirect target), in this order: mixed
/// content, the bad port, Local Network Access (Chromium's mixed content
/// checker runs in the page, the other two in the network stack). Each
/// check that was in play is listed with its outcome (a check that cannot
/// apply, such as mixed content on an `http:` page, is not); the refusal, if
/// any, ends the fetch.
pub(crate) fn before_sending(
    profile: &crate::Profile,
    origin: &Origin,
    page: &crate::page::PageContext,
    url: &url::Url,
) -> (Vec<(CheckName, CheckState)>, Option<Gate>) {
    let gates = &profile.gates;
    let mut ran = Vec::new();
    let https = page.is_https(origin);
    if crate::mixed_content::prohibits_mixed_security_contexts(gates.mixed_content.pages, origin, https) {
        if crate::mixed_content::should_block_as_mixed_content(gates.mixed_content, origin, https, url) {
            ran.push((CheckName::MixedContent, CheckState::Failed));
            let page_url = page.page_url(origin).map(|u| u.as_str().to_owned()).unwrap_or_else(|| "null".to_owned());
            return (ran, Some(Gate::MixedContent { page: page_url }));
        }
        ran.push((CheckName::MixedContent, CheckState::Passed));
    }
    if crate::port_blocking::should_block_bad_port(gates.bad_ports, url) {
        ran.push((CheckName::BadPort, CheckState::Failed));
        return (ran, Some(Gate::BadPort { port: url.port().unwrap_or_default() }));
    }
    if !gates.local_network_access.at_connect {
        if let Some(outcome) = local_network_access(profile, origin, page, url) {
            ran.push((CheckName::LocalNetworkAccess, if outcome.is_err() { CheckState::Failed } else { CheckState::Passed }));
            if let Err(block) = outcome {
                return (ran, Some(Gate::LocalNetworkAccess(block)));
            }
        }
    }
    (ran, None)
}

/// The browser's Local Network Access check of a request to `url`, when it
/// applies (both address spaces known, the target more private than the page
/// under the profile's rules).
pub(crate) fn local_network_access(
    profile: &crate::Profile,
    origin: &Origin,
    page: &crate::page::PageContext,
    url: &url::Url,
) -> Option<Result<(), LnaBlock>> {
    use crate::local_network_access::{local_network_access_check, LnaClient};
    let rules = profile.gates.local_network_access;
    let (space, target) = (page.client_address_space(origin)?, page.target_address_space(url)?);
    if !rules.applies(space, target) {
        return None;
    }
    // A browser that does not refuse insecure pages asks them like any other.
    let secure_context = page.is_secure_context(origin) || !rules.insecure_context_refused;
    let client = LnaClient { space, secure_context, permission: page.local_network_access };
    Some(local_network_access_check(&client, target))
}

/// The `Cross-Origin-Resource-Policy` check on the response to a `no-cors`
/// request from another origin (Fetch § "HTTP fetch": "If either request's
/// response tainting or response's type is `opaque`…"), under the page's
/// embedder policy as the browser understands it. `Ok(true)` when the check
/// was in play and passed (the response names a policy, or the page has an
/// embedder policy); `Ok(false)` when it could not refuse anything.
pub(crate) fn corp_on_opaque_response(
    profile: &crate::Profile,
    origin: &Origin,
    page: &crate::page::PageContext,
    url: &url::Url,
    response: &HttpResponse,
    credentials: crate::request::CredentialsMode,
) -> Result<bool, Gate> {
    use crate::cross_origin_resource_policy::{cross_origin_resource_policy_check, CorpInput};
    let embedder_policy = profile.gates.embedder_policy(page.embedder_policy);
    // Under `credentialless`, a cross-origin no-cors request goes without
    // credentials (HTML § "Cross-origin embedder policies").
    let includes_credentials =
        credentials == crate::request::CredentialsMode::Include && embedder_policy != EmbedderPolicy::Credentialless;
    let input = CorpInput { origin, embedder_policy, url, headers: &response.headers, includes_credentials };
    cross_origin_resource_policy_check(profile.gates.corp_same_site, &input).map_err(Gate::CrossOriginResourcePolicy)?;
    Ok(embedder_policy != EmbedderPolicy::UnsafeNone || response.headers.contains("cross-origin-resource-policy"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_fix_is_a_cors_header() {
        use crate::cross_origin_resource_policy::ResourcePolicy;
        use crate::local_network_access::AddressSpace;
        let gates = [
            Gate::BadPort { port: 6000 },
            Gate::MixedContent { page: "https://app.example/".into() },
            Gate::LocalNetworkAccess(LnaBlock { denial: LnaDenial::InsecureContext, client: AddressSpace::Public, target: AddressSpace::Local }),
            Gate::LocalNetworkAccess(LnaBlock { denial: LnaDenial::PermissionDenied { prompted: true }, client: AddressSpace::Public, target: AddressSpace::Loopback }),
            Gate::CrossOriginResourcePolicy(CorpBlock { policy: ResourcePolicy::SameOrigin, imposed_by: None }),
            Gate::CrossOriginResourcePolicy(CorpBlock { policy: ResourcePolicy::SameOrigin, imposed_by: Some(EmbedderPolicy::RequireCorp) }),
            Gate::Scheme(SchemeError::Unsupported { scheme: "ftp".into() }),
        ];
        for gate in gates {
            let fix = gate.fix();
            for header in ["Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Allow-Credentials"] {
                assert!(!fix.contains(header), "{gate:?}: {fix}");
            }
            assert!(gate.to_string().starts_with("not CORS: "));
        }
    }
}
