//! Sites (HTML § "Sites", URL § "host-same-site"): hosts are same site when
//! they are the same host or share a registrable domain (from the Public
//! Suffix List: the `psl` crate's rules, kept compactly by `build.rs`).

use std::sync::OnceLock;

use url::Host;

// `encode` and the counts serve build.rs, which compiles this module too.
#[allow(dead_code)]
#[path = "public_suffix.rs"]
mod public_suffix;

use crate::origin::Origin;

/// A host's registrable domain: the public suffix plus one label
/// (`api.example.co.uk` → `example.co.uk`); `None` for IP addresses and for
/// names that are themselves a public suffix (`localhost`, `co.uk`). A name
/// under a suffix the list does not know takes its last label as the suffix
/// (the list's "*" rule, which the URL standard's public suffix algorithm
/// includes): `a.site.test` → `site.test`, as Chromium 156 counts it for
/// `Cross-Origin-Resource-Policy: same-site` (observed).
///
/// ```
/// use corsim::site::registrable_domain;
/// assert_eq!(registrable_domain(&url::Host::Domain("api.example.co.uk")), Some("example.co.uk".to_owned()));
/// assert_eq!(registrable_domain(&url::Host::Domain("a.site.test")), Some("site.test".to_owned()));
/// assert_eq!(registrable_domain(&url::Host::Domain("localhost")), None);
/// ```
pub fn registrable_domain<S: AsRef<str>>(host: &Host<S>) -> Option<String> {
    let Host::Domain(name) = host else { return None };
    let name = name.as_ref().strip_suffix('.').unwrap_or(name.as_ref());
    let rules = public_suffix_list();
    if rules.public_suffix(name).is_some() {
        return rules.registrable_domain(name).map(str::to_owned);
    }
    // No listed rule matches: the list's implicit "*" rule makes the last
    // label the suffix (a name of one label is then a suffix itself).
    let dot = name.rfind('.')?;
    let start = name[..dot].rfind('.').map_or(0, |d| d + 1);
    (start < dot).then(|| name[start..].to_owned())
}

/// The Public Suffix List, decoded on first use.
fn public_suffix_list() -> &'static public_suffix::Rules {
    static RULES: OnceLock<public_suffix::Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        public_suffix::Rules::decode(include_bytes!(concat!(env!("OUT_DIR"), "/public_suffix_rules.txt")))
    })
}

/// "Host-same-site" (URL § 3.2): the same host, or both with a registrable
/// domain and the two equal.
pub fn host_same_site<A: AsRef<str>, B: AsRef<str>>(a: &Host<A>, b: &Host<B>) -> bool {
    let same_host = match (a, b) {
        (Host::Domain(x), Host::Domain(y)) => x.as_ref() == y.as_ref(),
        (Host::Ipv4(x), Host::Ipv4(y)) => x == y,
        (Host::Ipv6(x), Host::Ipv6(y)) => x == y,
        _ => false,
    };
    same_host || matches!((registrable_domain(a), registrable_domain(b)), (Some(x), Some(y)) if x == y)
}

/// "Schemelessly same site" (HTML § "Sites"): two tuple origins whose hosts
/// are host-same-site (opaque origins are never, as corsim never compares
/// one with itself).
pub fn schemelessly_same_site(a: &Origin, b: &Origin) -> bool {
    match (a, b) {
        (Origin::Tuple(x), Origin::Tuple(y)) => host_same_site(x.host(), y.host()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_site_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("https://app.example.com", "https://api.example.com", true),
            ("https://example.com", "http://api.example.com:8080", true),
            ("https://app.example.com", "https://api.other.com", false),
            ("https://a.example.co.uk", "https://b.example.co.uk", true),
            ("https://example.co.uk", "https://other.co.uk", false),
            // github.io is a (private) public suffix: each user is a site.
            ("https://alice.github.io", "https://bob.github.io", false),
            ("http://127.0.0.1:8001", "http://127.0.0.1:8002", true),
            ("http://127.0.0.1:8001", "http://localhost:8002", false),
            ("http://localhost:8001", "http://localhost:8002", true),
            ("http://[::1]:1", "http://[::1]:2", true),
            ("http://10.0.0.1", "http://10.0.0.2", false),
            // Under a suffix the list does not know: the last label is one.
            ("http://a.site.test:8353", "http://b.site.test:8354", true),
            ("http://a.site.test", "http://other.test", false),
            ("http://api.intranet", "http://www.intranet", false),
        ];
        for &(a, b, want) in cases {
            let (a, b) = (Origin::parse(a).unwrap(), Origin::parse(b).unwrap());
            assert_eq!(schemelessly_same_site(&a, &b), want, "{a} / {b}");
        }
        assert!(!schemelessly_same_site(&Origin::Opaque, &Origin::Opaque));
    }
}
