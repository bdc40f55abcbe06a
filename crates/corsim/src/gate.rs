//! The checks a `fetch()` passes through around CORS ("gates"), per browser,
//! and the failures they end in: port blocking, the schemes `fetch()` answers
//! itself, mixed content, Local Network Access and the
//! `Cross-Origin-Resource-Policy` check. Each decision lives in its own
//! module; this one holds what a browser does with them ([`Gates`], a
//! [`crate::Profile`] field) and runs them in the browser's order. Why a
//! fetch failed, and the fix for each, is [`Gate`] (stated in
//! [`crate::blocked`], which imports nothing of the crate); the console
//! lines are templates in [`crate::console::templates`] like every other.
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

pub use crate::blocked::Gate;
use crate::cross_origin_resource_policy::{EmbedderPolicy, SameSiteRule};
use crate::header_list::isomorphic_decode;
use crate::response::HttpResponse;
use crate::verdict::CheckState;
use crate::local_network_access::{LnaBlock, LnaRules};
use crate::mixed_content::{MixedContentPages, MixedContentRules};
use crate::origin::Origin;
use crate::port_blocking::BadPorts;
use crate::scheme_fetch::SchemeRules;
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
}

/// A gate check on a response, for `explain`: the header it read and what
/// it found.
#[cfg_attr(not(feature = "explain"), allow(dead_code))]
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

