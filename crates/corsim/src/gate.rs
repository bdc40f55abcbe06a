//! The checks a `fetch()` passes through around CORS ("gates"), run in the
//! browser's order: port blocking, the schemes `fetch()` answers itself,
//! mixed content, Local Network Access and the
//! `Cross-Origin-Resource-Policy` check. Each decision lives in its own
//! module; what a browser does with them is profile data
//! ([`crate::profile::Gates`]). Why a fetch failed, and the fix for each, is
//! [`Gate`] (stated in [`crate::blocked`], which imports nothing of the
//! crate); the console lines are templates in [`crate::console::templates`]
//! like every other.
//!
//! None of these is CORS: no `Access-Control-*` header changes their outcome
//! ([`Gate::fix`] never suggests one), although Chromium reports a Local
//! Network Access refusal as a CORS error.

pub use crate::blocked::Gate;
use crate::header_list::isomorphic_decode;
use crate::response::HttpResponse;
use crate::verdict::CheckState;
use crate::local_network_access::{AddressSpace, LnaBlock};
use crate::origin::Origin;
use crate::cross_origin_resource_policy::EmbedderPolicy;
use crate::verdict::{CheckName, Failure};

impl Gate {
    /// The check, as the trace names it.
    pub fn check(&self) -> CheckName {
        match self {
            Gate::BadPort { .. } => CheckName::BadPort,
            Gate::MixedContent { .. } => CheckName::MixedContent,
            Gate::LocalNetworkAccess(_) => CheckName::LocalNetworkAccess,
            Gate::CrossOriginResourcePolicy(_) => CheckName::CrossOriginResourcePolicy,
            Gate::Scheme(_) => CheckName::Scheme,
            Gate::OpaqueResponseBlocking(_) => CheckName::OpaqueResponseBlocking,
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
            CheckName::OpaqueResponseBlocking => "opaque-response blocking: the response may be embedded".to_owned(),
            other => format!("{other}: passed"),
        },
    };
    (value, detail)
}

/// What [`before_sending`] found: each check that was in play with its
/// outcome (a check that cannot apply, such as mixed content on an `http:`
/// page, is not listed), the refusal if any, and, when mixed content let an
/// insecure URL through because `fetch()` declared a local target address
/// space, the page's URL (the browser warns about it).
pub(crate) struct BeforeSending {
    pub ran: Vec<(CheckName, CheckState)>,
    pub refused: Option<Gate>,
    pub mixed_content_let_through: Option<String>,
}

/// The checks a browser runs before it sends a request to `url` (for the
/// URL `fetch()` was given and every redirect target), in this order: mixed
/// content, the bad port, Local Network Access (Chromium's mixed content
/// checker runs in the page, the other two in the network stack). The
/// refusal, if any, ends the fetch. `declared` is the request's
/// `targetAddressSpace`, when the browser reads it: `local` or `loopback`
/// exempts the URL from mixed content (Chromium 156, observed: from `public`
/// and `local` pages alike, the permission granted or not, with a warning),
/// and Local Network Access then holds the target to it.
pub(crate) fn before_sending(
    profile: &crate::Profile,
    origin: &Origin,
    page: &crate::page::PageContext,
    url: &url::Url,
    declared: Option<AddressSpace>,
) -> BeforeSending {
    let gates = &profile.gates;
    let mut ran = Vec::new();
    let mut let_through = None;
    let https = page.is_https(origin);
    let page_url = || page.page_url(origin).map(|u| u.as_str().to_owned()).unwrap_or_else(|| "null".to_owned());
    if crate::mixed_content::prohibits_mixed_security_contexts(gates.mixed_content.pages, origin, https) {
        if crate::mixed_content::should_block_as_mixed_content(gates.mixed_content, origin, https, url) {
            if !matches!(declared, Some(AddressSpace::Local | AddressSpace::Loopback)) {
                ran.push((CheckName::MixedContent, CheckState::Failed));
                return BeforeSending { ran, refused: Some(Gate::MixedContent { page: page_url() }), mixed_content_let_through: None };
            }
            let_through = Some(page_url());
        }
        ran.push((CheckName::MixedContent, CheckState::Passed));
    }
    // The page warns before the network stack refuses anything.
    let (ran, refused) = after_mixed_content(profile, origin, page, url, declared, ran);
    BeforeSending { ran, refused, mixed_content_let_through: let_through }
}

/// The checks after mixed content: the bad port, then Local Network Access.
fn after_mixed_content(
    profile: &crate::Profile,
    origin: &Origin,
    page: &crate::page::PageContext,
    url: &url::Url,
    declared: Option<AddressSpace>,
    mut ran: Vec<(CheckName, CheckState)>,
) -> (Vec<(CheckName, CheckState)>, Option<Gate>) {
    let gates = &profile.gates;
    if crate::port_blocking::should_block_bad_port(gates.bad_ports, url) {
        ran.push((CheckName::BadPort, CheckState::Failed));
        return (ran, Some(Gate::BadPort { port: url.port().unwrap_or_default() }));
    }
    if !gates.local_network_access.at_connect {
        if let Some(outcome) = local_network_access(profile, origin, page, url, declared) {
            ran.push((CheckName::LocalNetworkAccess, if outcome.is_err() { CheckState::Failed } else { CheckState::Passed }));
            if let Err(block) = outcome {
                return (ran, Some(Gate::LocalNetworkAccess(block)));
            }
        }
    }
    (ran, None)
}

/// The browser's Local Network Access check of a request to `url`, when it
/// applies (both address spaces known, and the target more private than the
/// page under the profile's rules, or a `targetAddressSpace` declared).
pub(crate) fn local_network_access(
    profile: &crate::Profile,
    origin: &Origin,
    page: &crate::page::PageContext,
    url: &url::Url,
    declared: Option<AddressSpace>,
) -> Option<Result<(), LnaBlock>> {
    use crate::local_network_access::{local_network_access_check, target_address_space_check, LnaClient};
    let rules = profile.gates.local_network_access;
    let (space, target) = (page.client_address_space(origin)?, page.target_address_space(url)?);
    // The declared space is held to first, whatever the page's space
    // (Chromium: before the secure-context and permission checks, observed).
    if let Some(declared) = declared {
        if let Err(denial) = target_address_space_check(declared, target) {
            return Some(Err(LnaBlock { denial, client: space, target, asked_as: rules.asks_as }));
        }
    }
    if !rules.applies(space, target) {
        return None;
    }
    // A browser that does not refuse insecure pages asks them like any other.
    let secure_context = page.is_secure_context(origin) || !rules.insecure_context_refused;
    let client = LnaClient { space, secure_context, permission: page.local_network_access };
    Some(local_network_access_check(&client, target).map_err(|block| LnaBlock { asked_as: rules.asks_as, ..block }))
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

