//! Mixed content (W3C Mixed Content § 4.3 "Should fetching request be
//! blocked as mixed content?"): a page delivered securely may not fetch
//! from a URL that is not potentially trustworthy.
//!
//! `fetch()` is "blockable" content: it is never upgraded, only blocked,
//! before anything is sent. A CORS header cannot change that; serving the
//! API over `https:` (or from a loopback host) does.

use url::Url;

use crate::origin::Origin;
use crate::secure_context::{is_origin_potentially_trustworthy, is_url_potentially_trustworthy};

/// Which pages "prohibit mixed security contexts".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MixedContentPages {
    /// Pages whose origin is potentially trustworthy, `http://localhost`
    /// included (the standard: "Does settings prohibit mixed security
    /// contexts?", step 1).
    TrustworthyOrigin,
    /// Pages whose URL is `https:` (Chromium's mixed-content checker keys on
    /// the page's scheme: an `http://localhost` page may fetch `http:`
    /// anywhere).
    HttpsUrl,
}

/// A browser's mixed content rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MixedContentRules {
    /// Which pages are restricted.
    pub pages: MixedContentPages,
    /// Whether `http://` URLs on loopback hosts (`127.0.0.1`, `[::1]`,
    /// `localhost`) count as potentially trustworthy and so pass (the
    /// standard, Chromium, Firefox) or are blocked like any `http:` URL
    /// (WebKit, per public user reports).
    pub loopback_exempt: bool,
}

/// "Does settings prohibit mixed security contexts?" (MIX § 4.1), for a page
/// at `page_url` with origin `page_origin`, under the browser's rule.
pub fn prohibits_mixed_security_contexts(rule: MixedContentPages, page_origin: &Origin, page_url: &Url) -> bool {
    match rule {
        MixedContentPages::TrustworthyOrigin => is_origin_potentially_trustworthy(page_origin),
        MixedContentPages::HttpsUrl => page_url.scheme() == "https",
    }
}

/// "Should fetching request be blocked as mixed content?" (MIX § 4.3), for a
/// `fetch()` (a request whose destination is the empty string): blocked
/// when the page prohibits mixed security contexts and `url` is not
/// potentially trustworthy.
///
/// ```
/// use corsim::mixed_content::{should_block_as_mixed_content, MixedContentPages, MixedContentRules};
/// use corsim::Origin;
/// let page = "https://app.example/".parse().unwrap();
/// let origin = Origin::parse("https://app.example").unwrap();
/// let rules = MixedContentRules { pages: MixedContentPages::HttpsUrl, loopback_exempt: true };
/// assert!(should_block_as_mixed_content(rules, &origin, &page, &"http://api.example/x".parse().unwrap()));
/// assert!(!should_block_as_mixed_content(rules, &origin, &page, &"http://127.0.0.1:8080/x".parse().unwrap()));
/// ```
pub fn should_block_as_mixed_content(rules: MixedContentRules, page_origin: &Origin, page_url: &Url, url: &Url) -> bool {
    let trustworthy = if !rules.loopback_exempt && matches!(url.scheme(), "http" | "ws") {
        false
    } else {
        is_url_potentially_trustworthy(url)
    };
    !trustworthy && prohibits_mixed_security_contexts(rules.pages, page_origin, page_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_content_table() {
        // (page URL, target, blocked by the standard's rules, by Chromium's, by WebKit's)
        let cases: &[(&str, &str, bool, bool, bool)] = &[
            ("https://app.example/", "http://api.example/x", true, true, true),
            ("https://app.example/", "https://api.example/x", false, false, false),
            ("https://app.example/", "http://127.0.0.1:8102/x", false, false, true),
            ("https://app.example/", "http://localhost:8102/x", false, false, true),
            ("https://app.example/", "http://[::1]:8102/x", false, false, true),
            ("https://app.example/", "http://api.localhost/x", false, false, true),
            ("https://app.example/", "http://192.168.1.20/x", true, true, true),
            ("https://app.example/", "ws://api.example/", true, true, true),
            ("https://app.example/", "data:,x", false, false, false),
            ("http://app.example/", "http://api.example/x", false, false, false),
            // A loopback page is a secure context: the standard blocks its
            // insecure fetches, Chromium does not.
            ("http://127.0.0.1:8001/", "http://api.example/x", true, false, false),
            ("http://localhost:3000/", "http://192.168.1.20/x", true, false, false),
            ("http://127.0.0.1:8001/", "http://127.0.0.1:8002/x", false, false, false),
        ];
        let spec = MixedContentRules { pages: MixedContentPages::TrustworthyOrigin, loopback_exempt: true };
        let chromium = MixedContentRules { pages: MixedContentPages::HttpsUrl, loopback_exempt: true };
        let webkit = MixedContentRules { pages: MixedContentPages::HttpsUrl, loopback_exempt: false };
        for &(page, url, by_spec, by_chromium, by_webkit) in cases {
            let page: Url = page.parse().unwrap();
            let origin = Origin::of_url(&page);
            let url: Url = url.parse().unwrap();
            let got = |rules| should_block_as_mixed_content(rules, &origin, &page, &url);
            assert_eq!(got(spec), by_spec, "{page} → {url} (standard)");
            assert_eq!(got(chromium), by_chromium, "{page} → {url} (Chromium)");
            assert_eq!(got(webkit), by_webkit, "{page} → {url} (WebKit)");
        }
    }
}
