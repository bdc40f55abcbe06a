//! The `Cross-Origin-Resource-Policy` check (Fetch § "Cross-Origin-Resource-Policy
//! header"), and the page's `Cross-Origin-Embedder-Policy` where it changes it
//! (HTML § "Cross-origin embedder policies").
//!
//! It runs on the responses to `no-cors` requests (the ones script would get
//! as opaque responses): a blocked response is a network error, so
//! `fetch()` rejects instead of resolving with an opaque response. Chromium
//! 156 was observed doing exactly that for `same-origin` and for `same-site`
//! across two ports of `127.0.0.1` (Chromium never treats IP hosts as same
//! site here: `ShouldAllowSameSite` in `cross_origin_resource_policy.cc`).
//! CORS headers do not help; a CORP value that allows the page does.

use url::Url;

pub use crate::blocked::{CorpBlock, EmbedderPolicy, ResourcePolicy};

use crate::header_list::HeaderList;
use crate::origin::Origin;
use crate::site::schemelessly_same_site;


/// How `same-site` is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSiteRule {
    /// "Schemelessly same site" (the standard): the same host, or the same
    /// registrable domain.
    SchemelesslySameSite,
    /// As the standard, except that an IP-address host is never same site,
    /// not even with itself on another port (Chromium, observed).
    NeverForIpHosts,
}


/// The inputs of the check: who asks, under which embedder policy.
#[derive(Clone, Copy, Debug)]
pub struct CorpInput<'a> {
    /// The request's origin (the page's).
    pub origin: &'a Origin,
    /// The page's embedder policy.
    pub embedder_policy: EmbedderPolicy,
    /// The response's URL.
    pub url: &'a Url,
    /// The response's headers.
    pub headers: &'a HeaderList,
    /// The response's "request-includes-credentials".
    pub includes_credentials: bool,
}

/// "Cross-origin resource policy check" (Fetch § "Cross-Origin-Resource-Policy
/// header"), for a request that is not a navigation: first without the
/// embedder policy, then with it.
///
/// ```
/// use corsim::cross_origin_resource_policy::*;
/// use corsim::{HttpResponse, Origin};
/// let page = Origin::parse("https://app.example").unwrap();
/// let response = HttpResponse::new(200).header("Cross-Origin-Resource-Policy", "same-origin");
/// let url = "https://cdn.example/x.js".parse().unwrap();
/// let input = CorpInput { origin: &page, embedder_policy: EmbedderPolicy::UnsafeNone, url: &url,
///                         headers: &response.headers, includes_credentials: false };
/// let blocked = cross_origin_resource_policy_check(SameSiteRule::SchemelesslySameSite, &input).unwrap_err();
/// assert_eq!(blocked.policy, ResourcePolicy::SameOrigin);
/// ```
pub fn cross_origin_resource_policy_check(rule: SameSiteRule, input: &CorpInput<'_>) -> Result<(), CorpBlock> {
    cross_origin_resource_policy_internal_check(rule, input, EmbedderPolicy::UnsafeNone)?;
    cross_origin_resource_policy_internal_check(rule, input, input.embedder_policy)
}

/// "Cross-origin resource policy internal check" (Fetch §
/// "Cross-Origin-Resource-Policy header"), with `forNavigation` false.
pub fn cross_origin_resource_policy_internal_check(
    rule: SameSiteRule,
    input: &CorpInput<'_>,
    embedder_policy: EmbedderPolicy,
) -> Result<(), CorpBlock> {
    let mut imposed_by = None;
    let policy = match parse_policy(input.headers) {
        Some(policy) => policy,
        None => match embedder_policy {
            EmbedderPolicy::UnsafeNone => return Ok(()),
            EmbedderPolicy::Credentialless if !input.includes_credentials => return Ok(()),
            EmbedderPolicy::Credentialless | EmbedderPolicy::RequireCorp => {
                imposed_by = Some(embedder_policy);
                Some(ResourcePolicy::SameOrigin)
            }
        },
    };
    let Some(policy) = policy else { return Ok(()) };
    let response_origin = Origin::of_url(input.url);
    let allowed = match policy {
        ResourcePolicy::SameOrigin => input.origin.same_origin(&response_origin),
        ResourcePolicy::SameSite => {
            let ip_host = |o: &Origin| matches!(o, Origin::Tuple(t) if !matches!(t.host(), url::Host::Domain(_)));
            let same_site = match rule {
                SameSiteRule::NeverForIpHosts if ip_host(input.origin) || ip_host(&response_origin) => false,
                _ => schemelessly_same_site(input.origin, &response_origin),
            };
            let https_origin = matches!(input.origin, Origin::Tuple(t) if t.scheme() == "https");
            same_site && (https_origin || input.url.scheme() != "https")
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(CorpBlock { policy, imposed_by })
    }
}

/// The header's value: `Some(Some(policy))` for `same-origin` or
/// `same-site`, `Some(None)` for `cross-origin`, `None` when absent or
/// anything else (values of several lines are combined, so two lines never
/// match). Values are case-sensitive.
fn parse_policy(headers: &HeaderList) -> Option<Option<ResourcePolicy>> {
    let value = headers.get("cross-origin-resource-policy")?;
    match value.as_slice() {
        b"same-origin" => Some(Some(ResourcePolicy::SameOrigin)),
        b"same-site" => Some(Some(ResourcePolicy::SameSite)),
        b"cross-origin" => Some(None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::HttpResponse;

    #[test]
    fn corp_table() {
        use EmbedderPolicy::*;
        use ResourcePolicy::*;
        type Want = Option<(ResourcePolicy, Option<EmbedderPolicy>)>;
        /// (page, response URL, CORP lines, embedder policy, credentialed, standard, Chromium)
        type Case<'a> = (&'a str, &'a str, &'a [&'a str], EmbedderPolicy, bool, Want, Want);
        // (page, response URL, CORP lines, embedder policy, credentialed,
        //  blocked by the standard's same-site rule, blocked by Chromium's)
        let cases: &[Case] = &[
            ("http://127.0.0.1:8101", "http://127.0.0.1:8102/x", &[], UnsafeNone, false, None, None),
            ("http://127.0.0.1:8101", "http://127.0.0.1:8102/x", &["cross-origin"], UnsafeNone, false, None, None),
            ("http://127.0.0.1:8101", "http://127.0.0.1:8102/x", &["same-origin"], UnsafeNone, false, Some((SameOrigin, None)), Some((SameOrigin, None))),
            // Observed in Chromium 156: blocked; the standard allows it.
            ("http://127.0.0.1:8101", "http://127.0.0.1:8102/x", &["same-site"], UnsafeNone, false, None, Some((SameSite, None))),
            ("http://127.0.0.1:8101", "http://localhost:8102/x", &["same-site"], UnsafeNone, false, Some((SameSite, None)), Some((SameSite, None))),
            ("https://app.example.com", "https://cdn.example.com/x", &["same-site"], UnsafeNone, false, None, None),
            ("https://app.example.com", "https://cdn.other.com/x", &["same-site"], UnsafeNone, false, Some((SameSite, None)), Some((SameSite, None))),
            // An https response is not same site with an http page.
            ("http://app.example.com", "https://cdn.example.com/x", &["same-site"], UnsafeNone, false, Some((SameSite, None)), Some((SameSite, None))),
            ("https://app.example.com", "http://cdn.example.com/x", &["same-site"], UnsafeNone, false, None, None),
            ("https://app.example", "https://app.example/x", &["same-origin"], UnsafeNone, false, None, None),
            // Case-sensitive; two lines or a list never match.
            ("https://app.example", "https://cdn.example/x", &["Same-Origin"], UnsafeNone, false, None, None),
            ("https://app.example", "https://cdn.example/x", &["same-origin", "same-origin"], UnsafeNone, false, None, None),
            ("https://app.example", "https://cdn.example/x", &["same-site, same-origin"], UnsafeNone, false, None, None),
            // COEP require-corp: no (usable) CORP means same-origin.
            ("https://app.example", "https://cdn.example/x", &[], RequireCorp, false, Some((SameOrigin, Some(RequireCorp))), Some((SameOrigin, Some(RequireCorp)))),
            ("https://app.example", "https://cdn.example/x", &["nonsense"], RequireCorp, false, Some((SameOrigin, Some(RequireCorp))), Some((SameOrigin, Some(RequireCorp)))),
            ("https://app.example", "https://cdn.example/x", &["cross-origin"], RequireCorp, false, None, None),
            ("https://app.example", "https://app.example/x", &[], RequireCorp, false, None, None),
            // COEP credentialless: only credentialed responses need it.
            ("https://app.example", "https://cdn.example/x", &[], Credentialless, false, None, None),
            ("https://app.example", "https://cdn.example/x", &[], Credentialless, true, Some((SameOrigin, Some(Credentialless))), Some((SameOrigin, Some(Credentialless)))),
            // A CORP header that blocks does so before COEP is consulted.
            ("https://app.example", "https://cdn.example/x", &["same-origin"], RequireCorp, false, Some((SameOrigin, None)), Some((SameOrigin, None))),
        ];
        for &(page, url, lines, coep, credentialed, spec, chromium) in cases {
            let origin = Origin::parse(page).unwrap();
            let url: Url = url.parse().unwrap();
            let mut response = HttpResponse::new(200);
            for line in lines {
                response = response.header("Cross-Origin-Resource-Policy", line);
            }
            let input = CorpInput { origin: &origin, embedder_policy: coep, url: &url, headers: &response.headers, includes_credentials: credentialed };
            let got = |rule| cross_origin_resource_policy_check(rule, &input).err().map(|b| (b.policy, b.imposed_by));
            assert_eq!(got(SameSiteRule::SchemelesslySameSite), spec, "{page} → {url} {lines:?} {coep} (standard)");
            assert_eq!(got(SameSiteRule::NeverForIpHosts), chromium, "{page} → {url} {lines:?} {coep} (Chromium)");
        }
    }
}
