//! The page a `fetch()` runs in, beyond its origin: what the checks around
//! CORS ([`crate::gate`]) need to know. Every field is optional; the default
//! is derived from the page's origin, so a fetch described by its origin
//! alone behaves as before these checks existed (an `https:` origin is an
//! `https:` page, a loopback origin is a secure context in the `loopback`
//! address space, a host name's address space is unknown).

use url::Url;

use crate::cross_origin_resource_policy::EmbedderPolicy;
use crate::local_network_access::{address_space_of_host, AddressSpace, Permission};
use crate::origin::Origin;
use crate::secure_context::is_url_potentially_trustworthy;

/// The page's context.
///
/// ```
/// use corsim::page::PageContext;
/// use corsim::local_network_access::AddressSpace;
/// use corsim::Origin;
/// let origin = Origin::parse("http://127.0.0.1:8001").unwrap();
/// let page = PageContext::default();
/// assert!(page.is_secure_context(&origin));
/// assert_eq!(page.client_address_space(&origin), Some(AddressSpace::Loopback));
/// let page = PageContext { address_space: Some(AddressSpace::Public), ..PageContext::default() };
/// assert_eq!(page.client_address_space(&origin), Some(AddressSpace::Public));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageContext {
    /// The page's URL (default: its origin with path `/`; for an opaque
    /// origin, unknown).
    pub url: Option<Url>,
    /// Whether the page is a secure context (default: its URL is
    /// potentially trustworthy).
    pub secure_context: Option<bool>,
    /// The address space the page was loaded from (default: its host's,
    /// when the host says it).
    pub address_space: Option<AddressSpace>,
    /// The page's `Cross-Origin-Embedder-Policy`.
    pub embedder_policy: EmbedderPolicy,
    /// The page's Local Network Access permission.
    pub local_network_access: Permission,
    /// The address spaces of the hosts it fetches from, by `host` or
    /// `host:port` (as a URL serializes them: `api.test`, `[::1]:8080`);
    /// IP addresses and `localhost` need no entry.
    pub address_spaces: Vec<(String, AddressSpace)>,
}

impl PageContext {
    /// The page's URL.
    pub fn page_url(&self, origin: &Origin) -> Option<Url> {
        if let Some(url) = &self.url {
            return Some(url.clone());
        }
        match origin {
            Origin::Tuple(_) => Url::parse(&format!("{}/", origin.serialize())).ok(),
            Origin::Opaque => None,
        }
    }

    /// Whether the page is a secure context.
    pub fn is_secure_context(&self, origin: &Origin) -> bool {
        self.secure_context
            .unwrap_or_else(|| self.page_url(origin).is_some_and(|url| is_url_potentially_trustworthy(&url)))
    }

    /// The page's address space, when known.
    pub fn client_address_space(&self, origin: &Origin) -> Option<AddressSpace> {
        self.address_space.or_else(|| self.page_url(origin).and_then(|url| self.target_address_space(&url)))
    }

    /// The address space `url` is served from, when known: an entry for its
    /// `host:port` or its host, else what its host says.
    pub fn target_address_space(&self, url: &Url) -> Option<AddressSpace> {
        let host = url.host()?;
        let host_str = host.to_string();
        let with_port = url.port_or_known_default().map(|p| format!("{host_str}:{p}"));
        let listed = |key: &str| self.address_spaces.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, s)| *s);
        with_port.as_deref().and_then(listed).or_else(|| listed(&host_str)).or_else(|| address_space_of_host(&host))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_origin() {
        let page = PageContext::default();
        // (origin, secure context, address space, page URL)
        let cases: &[(&str, bool, Option<AddressSpace>, Option<&str>)] = &[
            ("https://app.example", true, None, Some("https://app.example/")),
            ("http://app.example", false, None, Some("http://app.example/")),
            ("http://127.0.0.1:8001", true, Some(AddressSpace::Loopback), Some("http://127.0.0.1:8001/")),
            ("http://localhost:3000", true, Some(AddressSpace::Loopback), Some("http://localhost:3000/")),
            ("http://192.168.1.4", false, Some(AddressSpace::Local), Some("http://192.168.1.4/")),
            ("null", false, None, None),
        ];
        for &(origin, secure, space, url) in cases {
            let origin = Origin::parse(origin).unwrap();
            assert_eq!(page.is_secure_context(&origin), secure, "{origin}");
            assert_eq!(page.client_address_space(&origin), space, "{origin}");
            assert_eq!(page.page_url(&origin).map(|u| u.to_string()).as_deref(), url, "{origin}");
        }
    }

    #[test]
    fn listed_spaces_win() {
        let page = PageContext {
            address_spaces: vec![("api.test".into(), AddressSpace::Local), ("127.0.0.1:8101".into(), AddressSpace::Public)],
            ..PageContext::default()
        };
        let space = |u: &str| page.target_address_space(&u.parse().unwrap());
        assert_eq!(space("http://api.test/x"), Some(AddressSpace::Local));
        assert_eq!(space("http://API.test:9000/x"), Some(AddressSpace::Local));
        assert_eq!(space("http://127.0.0.1:8101/"), Some(AddressSpace::Public));
        assert_eq!(space("http://127.0.0.1:8102/"), Some(AddressSpace::Loopback));
        assert_eq!(space("http://other.test/"), None);
        assert_eq!(space("data:,x"), None);
    }
}
